/** What `styxy agent install claude --print` suggests for a project's AGENTS.md or CLAUDE.md. */
export const AGENTS_SNIPPET = `## Dev stack (Styxy)

This project's dev stack runs with Styxy; ports are assigned, never fixed: read them, never guess.
- Start (or reuse) it: \`styxy up -d --json\`; it returns once every service is up, with
  \`services[].ports\`. It is idempotent: run it again whenever you need the stack.
- A port: \`styxy port <service>\`. Status: \`styxy ps --json\`. Output: \`styxy logs <service> -n 50\`.
- After changing a service's code: \`styxy restart <service>\`. Stop: \`styxy down\`.
- Starting a server yourself: let Styxy pick its port, \`styxy run -p PORT -- <command using $PORT>\`;
  \`styxy check <port>\` says who holds a port.
`;
