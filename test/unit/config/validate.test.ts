import { describe, expect, it } from 'vitest';
import { problemsOf, ROOT, resolveOk } from './fixtures.js';

const ok = { command: 'node x.js' };

/** [what, config, problem lines expected (regexes matched against `path: message`)] */
const cases: [string, unknown, RegExp[]][] = [
  // the config as a whole
  ['not an object', 42, [/^: expected the config object \{ services: \{ … \} \}, found number 42$/]],
  ['a function', () => ({}), [/^: expected the config object .*found a function$/]],
  ['no services', { name: 'x' }, [/^services: required: expected an object of service name/]],
  [
    'services not an object',
    { services: ['api'] },
    [/^services: expected an object of service name .*found a list \["api"\]$/],
  ],
  ['no service at all', { services: {} }, [/^services: expected at least one service, found an empty object$/]],
  [
    'an unknown top-level key',
    { services: { a: ok }, servces: {} },
    [/^servces: unknown option; did you mean "services"\?$/],
  ],
  [
    'a service outside services',
    { services: { a: ok }, web: { command: 'x' } },
    [/^web: unknown option; a service goes inside "services"/],
  ],
  ['a bad name', { name: '', services: { a: ok } }, [/^name: expected a name, found an empty string$/]],
  [
    'a name of the wrong type',
    { name: 3, services: { a: ok } },
    [/^name: expected the project name \(a string\), found number 3$/],
  ],
  // service names
  [
    'a service name with a dot',
    { services: { 'a.b': ok } },
    [/^services\.a\.b: a service name is letters, digits, "-" and "_"/],
  ],
  ['an all-digit service name', { services: { 123: ok } }, [/^services\.123: a service name cannot be all digits/]],
  [
    'service names colliding in env vars',
    { services: { 'web-app': ok, web_app: ok } },
    [/^services\.web_app: "web_app" and "web-app" are the same name in environment variables \(STYXY_WEB_APP_…\)/],
  ],
  [
    'env var names colliding across services',
    { services: { a: { command: 'x', ports: { B_PORT: 'api' } }, a_b: { command: 'x', ports: { PORT: 'api' } } } },
    [/^services\.a_b\.ports\.PORT: STYXY_A_B_PORT would name both a\.B_PORT and a_b\.PORT/],
  ],
  // service fields
  [
    'a service that is not an object',
    { services: { a: 'node x.js' } },
    [/^services\.a: expected a service object .*found "node x\.js"$/],
  ],
  [
    'an unknown service key with a suggestion',
    { services: { a: { ...ok, dependOn: [] } } },
    [/^services\.a\.dependOn: unknown option; did you mean "dependsOn"\?$/],
  ],
  [
    'an unknown service key without one',
    { services: { a: { ...ok, zzzzzz: 1 } } },
    [/^services\.a\.zzzzzz: unknown option; expected one of "command", "cwd", .*"stopTimeout".* or "\w+"$/],
  ],
  [
    'a missing command',
    { services: { a: { ports: {} } } },
    [/^services\.a\.command: required: expected a shell string \(run with sh -c\) or an argv list of strings$/],
  ],
  [
    'an empty command',
    { services: { a: { command: '  ' } } },
    [/^services\.a\.command: expected a command, found a blank string$/],
  ],
  [
    'an empty argv',
    { services: { a: { command: [] } } },
    [/^services\.a\.command: expected a non-empty list, found an empty list$/],
  ],
  [
    'an argv with a number',
    { services: { a: { command: ['node', 3] } } },
    [/^services\.a\.command\[1\]: expected a string, found number 3$/],
  ],
  [
    'an argv with an empty program',
    { services: { a: { command: ['', 'x'] } } },
    [/^services\.a\.command\[0\]: expected the program to run, found an empty string$/],
  ],
  [
    'a command of the wrong type',
    { services: { a: { command: 3 } } },
    [/^services\.a\.command: expected a shell string \(run with sh -c\) or an argv list of strings, found number 3$/],
  ],
  [
    'a cwd that does not exist',
    { services: { a: { ...ok, cwd: 'nope' } } },
    [new RegExp(`^services\\.a\\.cwd: folder "nope" does not exist \\(${ROOT}/nope\\)$`)],
  ],
  [
    'a cwd of the wrong type',
    { services: { a: { ...ok, cwd: 1 } } },
    [/^services\.a\.cwd: expected a folder, relative to the project root, found number 1$/],
  ],
  // ports
  [
    'ports of the wrong type',
    { services: { a: { ...ok, ports: ['api'] } } },
    [/^services\.a\.ports: expected an object of env-var name → service type or options, found a list/],
  ],
  [
    'a port name that is not an env-var name',
    { services: { a: { ...ok, ports: { 'http-port': 'api' } } } },
    [/^services\.a\.ports\.http-port: a port name is an env-var name/],
  ],
  [
    'a port name starting with a digit',
    { services: { a: { ...ok, ports: { '1PORT': 'api' } } } },
    [/^services\.a\.ports\.1PORT: a port name is an env-var name/],
  ],
  [
    'a reserved port name',
    { services: { a: { ...ok, ports: { STYXY_X: 'api' } } } },
    [/^services\.a\.ports\.STYXY_X: port names starting with STYXY_ are reserved/],
  ],
  [
    'PORT not first',
    { services: { a: { ...ok, ports: { HTTP: 'api', PORT: 'dev' } } } },
    [/^services\.a\.ports\.PORT: PORT must be the service's first port .*here "HTTP"/],
  ],
  [
    'an unknown type, with a suggestion',
    { services: { a: { ...ok, ports: { PORT: 'apii' } } } },
    [
      /^services\.a\.ports\.PORT: unknown service type "apii"; did you mean "api"\? \(known types: dev, monitoring, .*, ai; add more in \$STYXY_HOME\/config\.json\)$/,
    ],
  ],
  [
    'an unknown type in options',
    { services: { a: { ...ok, ports: { PORT: { type: 'grpc' } } } } },
    [/^services\.a\.ports\.PORT\.type: unknown service type "grpc" \(known types: dev, /],
  ],
  [
    'a port spec of the wrong type',
    { services: { a: { ...ok, ports: { PORT: 8080 } } } },
    [
      /^services\.a\.ports\.PORT: expected a service type name \(e\.g\. "api"\) or \{ type, preferred, port, fixed \}, found number 8080$/,
    ],
  ],
  [
    'an unknown port option',
    { services: { a: { ...ok, ports: { PORT: { typ: 'api' } } } } },
    [/^services\.a\.ports\.PORT\.typ: unknown option; did you mean "type"\?$/],
  ],
  [
    'a port number too big',
    { services: { a: { ...ok, ports: { PORT: { type: 'api', preferred: 70000 } } } } },
    [/^services\.a\.ports\.PORT\.preferred: expected a number <= 65535, found number 70000$/],
  ],
  [
    'a port number of 0',
    { services: { a: { ...ok, ports: { PORT: { fixed: 0 } } } } },
    [/^services\.a\.ports\.PORT\.fixed: expected a number >= 1, found number 0$/],
  ],
  [
    'a fractional port',
    { services: { a: { ...ok, ports: { PORT: { type: 'api', port: 80.5 } } } } },
    [/^services\.a\.ports\.PORT\.port: expected an integer, found number 80\.5$/],
  ],
  [
    'a fixed port without its number',
    { services: { a: { ...ok, ports: { PORT: { type: 'api', fixed: true } } } } },
    [/^services\.a\.ports\.PORT\.fixed: a fixed port needs its number/],
  ],
  [
    'fixed and port disagreeing',
    { services: { a: { ...ok, ports: { PORT: { port: 1, fixed: 2 } } } } },
    [/^services\.a\.ports\.PORT: port 1 and fixed 2 disagree/],
  ],
  [
    'a fixed port with a preferred one',
    { services: { a: { ...ok, ports: { PORT: { fixed: 2, preferred: 3 } } } } },
    [/^services\.a\.ports\.PORT\.preferred: a fixed port has no preferred port/],
  ],
  [
    'preferred and port both',
    { services: { a: { ...ok, ports: { PORT: { type: 'api', port: 1, preferred: 2 } } } } },
    [/^services\.a\.ports\.PORT: "port" is another name for "preferred": give one of them$/],
  ],
  [
    'a range port without a type',
    { services: { a: { ...ok, ports: { PORT: { preferred: 3000 } } } } },
    [/^services\.a\.ports\.PORT: required: "type" \(the range to choose from when the preferred port is taken\)/],
  ],
  [
    'fixed of the wrong type',
    { services: { a: { ...ok, ports: { PORT: { fixed: 'yes' } } } } },
    [/^services\.a\.ports\.PORT\.fixed: expected true, false or a port number, found "yes"$/],
  ],
  [
    'one fixed port twice',
    { services: { a: { ...ok, ports: { PORT: { fixed: 5432 } } }, b: { ...ok, ports: { PORT: { fixed: 5432 } } } } },
    [/^services\.b\.ports\.PORT: port 5432 is already fixed for a\.PORT$/],
  ],
  // env
  [
    'env of the wrong type',
    { services: { a: { ...ok, env: 'A=1' } } },
    [/^services\.a\.env: expected an object of NAME → value, found "A=1"$/],
  ],
  [
    'an env value of the wrong type',
    { services: { a: { ...ok, env: { A: { b: 1 } } } } },
    [/^services\.a\.env\.A: expected a string, number or boolean, found an object \{"b":1\}$/],
  ],
  [
    'an env value that is null',
    { services: { a: { ...ok, env: { A: null } } } },
    [/^services\.a\.env\.A: expected a string, number or boolean, found null$/],
  ],
  [
    'an env name with =',
    { services: { a: { ...ok, env: { 'A=B': '1' } } } },
    [/^services\.a\.env\.A=B: expected an environment variable name/],
  ],
  [
    'an env name Styxy sets',
    { services: { a: { ...ok, env: { STYXY_STACK: 'x' } } } },
    [/^services\.a\.env\.STYXY_STACK: STYXY_STACK: variables starting with STYXY_ are set by Styxy$/],
  ],
  [
    'env hiding a port',
    { services: { a: { ...ok, ports: { HTTP: 'api' }, env: { HTTP: '80', PORT: '81' } } } },
    [
      /^services\.a\.env\.HTTP: HTTP would hide the leased port/,
      /^services\.a\.env\.PORT: PORT would hide the leased port/,
    ],
  ],
  [
    'a missing env file',
    { services: { a: { ...ok, envFile: ['.env', '.env.local'] } } },
    [
      new RegExp(
        `^services\\.a\\.envFile\\[1\\]: env file "\\.env\\.local" not found \\(looked for ${ROOT}/\\.env\\.local\\)$`,
      ),
    ],
  ],
  [
    'an env file of the wrong type',
    { services: { a: { ...ok, envFile: 3 } } },
    [/^services\.a\.envFile: expected a file name or a list of file names, found number 3$/],
  ],
  [
    'an env file setting a STYXY_ variable',
    { services: { a: { ...ok, envFile: '.env.bad' } } },
    [/^services\.a\.envFile: STYXY_TAG \(set in \.env\.bad\): variables starting with STYXY_ are set by Styxy$/],
  ],
  // dependsOn
  [
    'dependsOn of the wrong type',
    { services: { a: { ...ok, dependsOn: 'b' } } },
    [
      /^services\.a\.dependsOn: expected a list of service names or an object of name → "started", "ready" or "completed" or \{ condition, restart \}, found "b"$/,
    ],
  ],
  [
    'dependsOn options with a wrong condition and restart',
    { services: { a: ok, b: { ...ok, dependsOn: { a: { condition: 'redy', restart: 'yes' } } } } },
    [
      /^services\.b\.dependsOn\.a\.condition: expected "started", "ready" or "completed", found "redy"; did you mean "ready"\?$/,
      /^services\.b\.dependsOn\.a\.restart: expected true or false, found "yes"$/,
    ],
  ],
  [
    'an unknown dependsOn option',
    { services: { a: ok, b: { ...ok, dependsOn: { a: { restarts: true } } } } },
    [/^services\.b\.dependsOn\.a\.restarts: unknown option; did you mean "restart"\?$/],
  ],
  [
    'a dependsOn item of the wrong type',
    { services: { a: { ...ok, dependsOn: [1] } } },
    [/^services\.a\.dependsOn\[0\]: expected a service name, found number 1$/],
  ],
  [
    'an unknown condition',
    { services: { a: ok, b: { ...ok, dependsOn: { a: 'redy' } } } },
    [/^services\.b\.dependsOn\.a: expected "started", "ready" or "completed", found "redy"; did you mean "ready"\?$/],
  ],
  [
    'an unknown dependency, with a suggestion',
    { services: { api: ok, web: { ...ok, dependsOn: ['apii'] } } },
    [/^services\.web\.dependsOn\.apii: no service named "apii"; did you mean "api"\?$/],
  ],
  [
    'an unknown dependency, listing the services',
    { services: { api: ok, web: { ...ok, dependsOn: ['zzzz'] } } },
    [/^services\.web\.dependsOn\.zzzz: no service named "zzzz" \(services: api, web\)$/],
  ],
  [
    'a service depending on itself',
    { services: { api: { ...ok, dependsOn: ['api'] } } },
    [/^services\.api\.dependsOn\.api: "api" cannot depend on itself$/],
  ],
  [
    'waiting for a service that never completes',
    { services: { w: { ...ok, restart: 'always' }, a: { ...ok, dependsOn: { w: 'completed' } } } },
    [/^services\.a\.dependsOn\.w: "w" has restart: 'always', so it never completes/],
  ],
  [
    'a cycle',
    { services: { api: { ...ok, dependsOn: ['worker'] }, worker: { ...ok, dependsOn: ['api'] } } },
    [/^services: dependency cycle: api -> worker -> api$/],
  ],
  [
    'a longer cycle and a second one',
    {
      services: {
        a: { ...ok, dependsOn: ['b'] },
        b: { ...ok, dependsOn: ['c'] },
        c: { ...ok, dependsOn: { a: 'started' } },
        x: { ...ok, dependsOn: ['y'] },
        y: { ...ok, dependsOn: ['x'] },
      },
    },
    [/^services: dependency cycle: a -> b -> c -> a$/, /^services: dependency cycle: x -> y -> x$/],
  ],
  // references
  [
    'a reference to an unknown service',
    { services: { api: { ...ok, ports: { PORT: 'api' } }, web: { command: 'x --api ${apii.PORT}' } } },
    [/^services\.web\.command: \$\{apii\.PORT\}: no service named "apii"; did you mean "api"\?$/],
  ],
  [
    'a reference to an unknown port',
    { services: { api: { ...ok, ports: { PORT: 'api' } }, web: { ...ok, env: { U: 'http://x:${api.PROT}' } } } },
    [/^services\.web\.env\.U: \$\{api\.PROT\}: "api" has no port "PROT"; did you mean "PORT"\? \(its ports: PORT\)$/],
  ],
  [
    'a reference to a service without ports',
    { services: { api: ok, web: { command: ['x', '${api.PORT}'] } } },
    [/^services\.web\.command\[1\]: \$\{api\.PORT\}: "api" has no port "PORT" \(it has no ports\)$/],
  ],
  [
    'a reference in a probe',
    { services: { api: ok, web: { ...ok, ready: { command: 'curl localhost:${ap.PORT}' } } } },
    [/^services\.web\.ready\.command: \$\{ap\.PORT\}: no service named "ap"; did you mean "api"\?$/],
  ],
  // ready
  [
    'ready of the wrong type',
    { services: { a: { ...ok, ready: true } } },
    [/^services\.a\.ready: expected false or one of \{ port: NAME \}, .*found true$/],
  ],
  [
    'an unknown ready key',
    { services: { a: { ...ok, ready: { htp: '/' } } } },
    [/^services\.a\.ready\.htp: unknown option; did you mean "http"\?$/],
  ],
  [
    'two checks at once',
    { services: { a: { ...ok, ports: { PORT: 'api' }, ready: { http: '/', log: 'x' } } } },
    [/^services\.a\.ready: expected one check, found "http" and "log"/],
  ],
  [
    'a ready port that is not a port of the service',
    { services: { a: { ...ok, ports: { PORT: 'api' }, ready: { port: 'ADMIN' } } } },
    [/^services\.a\.ready\.port: "ADMIN" is not a port of this service \(its ports: PORT\)$/],
  ],
  [
    'an http check without ports',
    { services: { a: { ...ok, ready: { http: '/health' } } } },
    [/^services\.a\.ready\.http: an HTTP check needs a port, and this service has none$/],
  ],
  [
    'an http path without a slash',
    { services: { a: { ...ok, ports: { PORT: 'api' }, ready: { http: 'health' } } } },
    [/^services\.a\.ready\.http: expected a path starting with "\/"/],
  ],
  [
    'an invalid log regex',
    { services: { a: { ...ok, ready: { log: 'ready (' } } } },
    [/^services\.a\.ready\.log: expected a valid regular expression: /],
  ],
  [
    'a timeout of 0',
    { services: { a: { ...ok, ready: { timeout: 0 } } } },
    [/^services\.a\.ready\.timeout: expected a number >= 1, found number 0$/],
  ],
  [
    'an interval as a string',
    { services: { a: { ...ok, ready: { interval: '1s' } } } },
    [/^services\.a\.ready\.interval: expected a number, found "1s"$/],
  ],
  // health
  [
    'health of the wrong type',
    { services: { a: { ...ok, health: '/health' } } },
    [
      /^services\.a\.health: expected one of \{ http: PATH \}, \{ port: NAME \}, \{ command: CMD \}, .*found "\/health"$/,
    ],
  ],
  [
    'health without a check',
    { services: { a: { ...ok, health: { interval: 1000 } } } },
    [/^services\.a\.health: expected a check: give one of "http", "port", "command"$/],
  ],
  [
    'health with two checks',
    { services: { a: { ...ok, ports: { PORT: 'api' }, health: { http: '/', command: 'true' } } } },
    [/^services\.a\.health: expected one check, found "http" and "command"/],
  ],
  [
    'a health port that is not a port of the service',
    { services: { a: { ...ok, ports: { PORT: 'api' }, health: { port: 'ADMIN' } } } },
    [/^services\.a\.health\.port: "ADMIN" is not a port of this service \(its ports: PORT\)$/],
  ],
  [
    'health failures of 0',
    { services: { a: { ...ok, health: { command: 'true', failures: 0 } } } },
    [/^services\.a\.health\.failures: expected a number >= 1, found number 0$/],
  ],
  [
    'an unknown health key',
    { services: { a: { ...ok, health: { command: 'true', retries: 3 } } } },
    [/^services\.a\.health\.retries: unknown option; expected one of /],
  ],
  // watch
  [
    'watch of the wrong type',
    { services: { a: { ...ok, watch: 'src' } } },
    [/^services\.a\.watch: expected a list of glob patterns .* or \{ paths, ignore, debounce \}, found "src"$/],
  ],
  [
    'a watch list that only ignores',
    { services: { a: { ...ok, watch: ['!**/*.test.ts'] } } },
    [/^services\.a\.watch: expected at least one pattern to watch/],
  ],
  [
    'an empty watch list',
    { services: { a: { ...ok, watch: [] } } },
    [/^services\.a\.watch: expected a non-empty list, found an empty list$/],
  ],
  [
    'watch options without paths, and an unknown key',
    { services: { a: { ...ok, watch: { ignore: ['x'], debounce: -1, delay: 3 } } } },
    [
      /^services\.a\.watch\.delay: unknown option; expected one of "paths", "ignore" or "debounce"$/,
      /^services\.a\.watch\.paths: /,
      /^services\.a\.watch\.debounce: expected a number >= 0, found number -1$/,
    ],
  ],
  // restart and stop
  [
    'an unknown restart policy',
    { services: { a: { ...ok, restart: 'on-fail' } } },
    [/^services\.a\.restart: expected "no", "on-failure" or "always", found "on-fail"; did you mean "on-failure"\?$/],
  ],
  [
    'restart of the wrong type',
    { services: { a: { ...ok, restart: true } } },
    [
      /^services\.a\.restart: expected "no", "on-failure" or "always" or \{ policy, maxRestarts, backoff, maxBackoff \}, found true$/,
    ],
  ],
  [
    'restart options without a policy',
    { services: { a: { ...ok, restart: { maxRestarts: 3 } } } },
    [/^services\.a\.restart\.policy: required: expected "no", "on-failure" or "always"$/],
  ],
  [
    'a negative backoff',
    { services: { a: { ...ok, restart: { policy: 'always', backoff: -1 } } } },
    [/^services\.a\.restart\.backoff: expected a number >= 0, found number -1$/],
  ],
  [
    'maxBackoff below backoff',
    { services: { a: { ...ok, restart: { policy: 'always', backoff: 500, maxBackoff: 100 } } } },
    [/^services\.a\.restart\.maxBackoff: expected a number >= backoff \(500\), found number 100$/],
  ],
  [
    'an unknown restart key',
    { services: { a: { ...ok, restart: { policy: 'always', maxRetries: 3 } } } },
    [
      /^services\.a\.restart\.maxRetries: unknown option; expected one of "policy", "maxRestarts", "backoff" or "maxBackoff"$/,
    ],
  ],
  [
    'a signal without SIG',
    { services: { a: { ...ok, stopSignal: 'TERM' } } },
    [
      /^services\.a\.stopSignal: expected a signal name such as "SIGTERM", "SIGINT" or "SIGHUP", found "TERM"; did you mean "SIGTERM"\?$/,
    ],
  ],
  [
    'a misspelt signal',
    { services: { a: { ...ok, stopSignal: 'SIGTREM' } } },
    [/^services\.a\.stopSignal: .*found "SIGTREM"; did you mean "SIGTERM"\?$/],
  ],
  [
    'a signal number',
    { services: { a: { ...ok, stopSignal: 15 } } },
    [/^services\.a\.stopSignal: expected a signal name .*found number 15$/],
  ],
  [
    'a negative stop timeout',
    { services: { a: { ...ok, stopTimeout: -5 } } },
    [/^services\.a\.stopTimeout: expected a number >= 0, found number -5$/],
  ],
  [
    'a stop timeout as a string',
    { services: { a: { ...ok, stopTimeout: '5s' } } },
    [/^services\.a\.stopTimeout: expected a whole number of milliseconds >= 0, found "5s"$/],
  ],
  [
    'an unknown stdin mode',
    { services: { a: { ...ok, stdin: 'inherit' } } },
    [/^services\.a\.stdin: expected "pipe" or "null", found "inherit"$/],
  ],
  [
    'stdin as null (the value, not the string)',
    { services: { a: { ...ok, stdin: null } } },
    [/^services\.a\.stdin: expected "pipe" or "null", found null$/],
  ],
  [
    'tty as a string',
    { services: { a: { ...ok, tty: 'yes' } } },
    [/^services\.a\.tty: expected true or false, found "yes"$/],
  ],
  [
    "tty: true with stdin: 'null'",
    { services: { a: { ...ok, tty: true, stdin: 'null' } } },
    [/^services\.a\.stdin: expected no stdin with tty: true \(the terminal is its stdin\), found 'null'$/],
  ],
  [
    'a stop without a command',
    { services: { a: { ...ok, stop: { timeout: 100 } } } },
    [/^services\.a\.stop\.command: required: expected a shell string \(run with sh -c\) or an argv list/],
  ],
  [
    'a stop of the wrong type',
    { services: { a: { ...ok, stop: 5 } } },
    [/^services\.a\.stop: expected \{ command, timeout \} .*found number 5$/],
  ],
  [
    'a misspelt stop key',
    { services: { a: { ...ok, stop: { command: 'x', timout: 5 } } } },
    [/^services\.a\.stop\.timout: unknown option; did you mean "timeout"\?$/],
  ],
  [
    'a daemon without a pid file',
    { services: { a: { ...ok, daemon: {} } } },
    [/^services\.a\.daemon\.pidFile: .*a file name, relative to the service's folder/],
  ],
  [
    'a daemon that is not an object',
    { services: { a: { ...ok, daemon: true } } },
    [/^services\.a\.daemon: expected \{ pidFile, timeout \} .*found true$/],
  ],
  [
    'a stop command naming an unknown port',
    { services: { a: { ...ok, stop: 'redis-cli -p ${a.NOPE} shutdown' } } },
    [/^services\.a\.stop\.command: .*NOPE/],
  ],
];

describe('validation: each kind of problem', () => {
  it.each(cases)('%s', (_, config, expected) => {
    const files = { [`${ROOT}/.env`]: 'OK=1\n', [`${ROOT}/.env.bad`]: 'STYXY_TAG=x\nOK=1\n' };
    const problems = problemsOf(config, { files });
    expect(problems, problems.join('\n')).toHaveLength(expected.length);
    for (const pattern of expected) expect(problems).toContainEqual(expect.stringMatching(pattern));
  });
});

describe('validation: keys named __proto__ (possible in JSON and YAML configs)', () => {
  it('stay data: reported where invalid, never turned into prototypes', () => {
    const config = JSON.parse(
      '{ "services": { "a": { "command": "x", "ports": { "__proto__": "api" }, "env": { "__proto__": "1" }, "dependsOn": { "__proto__": "ready" } } } }',
    );
    expect(problemsOf(config)).toEqual([
      expect.stringMatching(/^services\.a\.env\.__proto__: __proto__ would hide the leased port of the same name/),
      'services.a.dependsOn.__proto__: no service named "__proto__" (services: a)',
    ]);
    const valid = JSON.parse('{ "services": { "a": { "command": "x", "ports": { "__proto__": "api" } } } }');
    const ports = resolveOk(valid).services[0]!.ports;
    expect(Object.getPrototypeOf(ports)).toBe(Object.prototype);
    expect(Object.keys(ports)).toEqual(['__proto__']);
  });
});

describe('validation: every problem at once', () => {
  it('reports problems in different services and fields together, including references and cycles', () => {
    const problems = problemsOf({
      nmae: 'shop',
      services: {
        db: { command: 'postgres', ports: { PORT: 'databse' } },
        api: {
          command: 'node api.js',
          dependOn: ['db'],
          ports: { PORT: 'api' },
          dependsOn: ['worker'],
          restart: 'sometimes',
        },
        worker: { command: 3, dependsOn: ['api'], env: { DB: 'postgres://localhost:${db.PROT}/x' } },
      },
    });
    expect(problems).toEqual([
      'nmae: unknown option; did you mean "name"?',
      expect.stringMatching(/^services\.db\.ports\.PORT: unknown service type "databse"; did you mean "database"\?/),
      'services.api.dependOn: unknown option; did you mean "dependsOn"?',
      'services.api.restart: expected "no", "on-failure" or "always", found "sometimes"',
      'services.worker.command: expected a shell string (run with sh -c) or an argv list of strings, found number 3',
      'services.worker.env.DB: ${db.PROT}: "db" has no port "PROT"; did you mean "PORT"? (its ports: PORT)',
      'services: dependency cycle: api -> worker -> api',
    ]);
  });

  it('does not cascade: a service with unusable ports does not make references to it fail', () => {
    const problems = problemsOf({
      services: { api: { command: 'x', ports: 'api' }, web: { command: 'x ${api.PORT}', ready: { port: 'PORT' } } },
    });
    expect(problems).toEqual([
      expect.stringMatching(/^services\.api\.ports: expected an object/),
      expect.stringMatching(/^services\.web\.ready\.port: "PORT" is not a port of this service: it has no ports$/),
    ]);
  });
});
