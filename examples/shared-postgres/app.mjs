// Answers every request with the database it is connected to (through psql, so the example needs
// no npm package): `GET /` → `shared_postgres_feature_x_1a2b3c on :5432`.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';

const { PORT, DB_PORT, STYXY_STACK_SLUG } = process.env;
const query = 'SELECT current_database()';
createServer((_request, response) => {
  execFile(
    'psql',
    ['-h', '127.0.0.1', '-p', DB_PORT, '-U', 'postgres', '-d', STYXY_STACK_SLUG, '-tAc', query],
    (error, stdout, stderr) => {
      response.statusCode = error ? 500 : 200;
      response.end(error ? stderr : `${stdout.trim()} on :${DB_PORT}\n`);
    },
  );
}).listen(Number(PORT), '127.0.0.1', () => console.log(`app on :${PORT}, database ${STYXY_STACK_SLUG}`));
