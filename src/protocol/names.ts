/** Env-var names: what a port is called in a service's environment (`PORT`, `API_PORT`). */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
