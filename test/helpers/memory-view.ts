/**
 * An in-memory StackView: the UI's input, held in memory. It keeps a snapshot and bounded
 * per-service rings like the supervisor's, records every action the UI dispatches, and (unless
 * `simulate: false`) plays them out the way a supervisor would: restart gives a new pid, stop
 * stops, stopStack walks every service to stopped. Used by the component tests and by the demo
 * harness in test/fixtures/ui-demo.ts (plain TypeScript, no JSX: it runs with Node's type stripping).
 */
import type { LogLine, ServiceSnapshot, StackEvent, StackPhase, StackSnapshot } from '../../src/protocol/stack.ts';
import type { StackActions, StackView } from '../../src/supervisor/view.ts';

export type RecordedAction =
  | { readonly action: 'restart' | 'stop' | 'start'; readonly service: string }
  | { readonly action: 'input'; readonly service: string; readonly data: string }
  | { readonly action: 'stopStack'; readonly force: boolean; readonly signal?: NodeJS.Signals };

export interface MemoryViewOptions {
  readonly project?: string;
  readonly name?: string;
  readonly services: readonly (Partial<ServiceSnapshot> & { readonly name: string })[];
  readonly coordinatorPid?: number | null;
  readonly leases?: number;
  readonly phase?: StackPhase;
  /** Lines kept per service. @default 5000 */
  readonly ringSize?: number;
  /** Play actions out (new pids, statuses). @default true */
  readonly simulate?: boolean;
  /** With simulate: how long a graceful stopStack takes (services stop one by one). @default 0 */
  readonly stopDelayMs?: number;
}

let nextPid = 40_000;

/** A service snapshot: running, no ports, no process, unless `patch` says otherwise. */
export function serviceSnapshot(patch: Partial<ServiceSnapshot> & { readonly name: string }): ServiceSnapshot {
  return {
    status: 'running',
    ports: {},
    pid: null,
    restarts: 0,
    startedAt: null,
    readyAt: null,
    lastExit: null,
    detail: null,
    dependsOn: [],
    ...patch,
  };
}

export class MemoryView implements StackView {
  readonly calls: RecordedAction[] = [];
  readonly actions: StackActions;
  private snapshot: StackSnapshot;
  private readonly rings = new Map<string, LogLine[]>();
  private readonly listeners = new Set<(event: StackEvent) => void>();
  private readonly ringSize: number;
  private seq = 0;

  constructor(options: MemoryViewOptions) {
    this.ringSize = options.ringSize ?? 5000;
    const services = options.services.map(serviceSnapshot);
    const leases = services.reduce((n, s) => n + Object.keys(s.ports).length, 0);
    this.snapshot = {
      stack: {
        id: 'memory',
        name: options.name ?? 'default',
        project: options.project ?? 'demo',
        root: '/tmp/demo',
        pid: process.pid,
        detached: false,
      },
      coordinator: {
        pid: options.coordinatorPid === undefined ? 4121 : options.coordinatorPid,
        leases: options.leases ?? leases,
      },
      phase: options.phase ?? 'running',
      services,
    };
    for (const s of services) this.rings.set(s.name, []);
    const simulate = options.simulate ?? true;
    const stopDelay = options.stopDelayMs ?? 0;
    const record = (call: RecordedAction) => this.calls.push(call);
    this.actions = {
      restart: async (service) => {
        record({ action: 'restart', service });
        if (!simulate) return;
        const s = this.service(service);
        this.log(service, `restarting (was pid ${s.pid})`, 'styxy');
        this.setService(service, {
          status: 'running',
          pid: nextPid++,
          restarts: s.restarts + 1,
          startedAt: Date.now(),
        });
      },
      stop: async (service) => {
        record({ action: 'stop', service });
        if (simulate) this.setService(service, { status: 'stopped', pid: null, startedAt: null });
      },
      start: async (service) => {
        record({ action: 'start', service });
        if (simulate) this.setService(service, { status: 'running', pid: nextPid++, startedAt: Date.now() });
      },
      input: async (service, data) => {
        record({ action: 'input', service, data });
      },
      stopStack: async (opts) => {
        record({ action: 'stopStack', force: opts?.force ?? false, ...(opts?.signal ? { signal: opts.signal } : {}) });
        if (!simulate) return;
        this.setPhase('stopping');
        for (const s of [...this.snapshot.services].reverse()) {
          if (stopDelay > 0 && !opts?.force) await new Promise((resolve) => setTimeout(resolve, stopDelay));
          if (this.snapshot.phase === 'stopped') return;
          this.log(s.name, 'stopped', 'styxy');
          this.setService(s.name, { status: 'stopped', pid: null, startedAt: null });
        }
        this.setPhase('stopped');
      },
    };
  }

  getSnapshot(): StackSnapshot {
    return this.snapshot;
  }

  getLogs(service?: string, limit?: number): readonly LogLine[] {
    const take = (lines: readonly LogLine[]) => (limit === undefined ? lines : lines.slice(-limit));
    if (service !== undefined) return take(this.rings.get(service) ?? []);
    const merged = [...this.rings.values()].flatMap((ring) => take(ring)).sort((a, b) => a.seq - b.seq);
    return take(merged);
  }

  subscribe(listener: (event: StackEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  service(name: string): ServiceSnapshot {
    const found = this.snapshot.services.find((s) => s.name === name);
    if (!found) throw new Error(`no service ${name}`);
    return found;
  }

  setService(name: string, patch: Partial<ServiceSnapshot>): void {
    this.service(name);
    this.update({ services: this.snapshot.services.map((s) => (s.name === name ? { ...s, ...patch } : s)) });
  }

  setPhase(phase: StackPhase): void {
    this.update({ phase });
  }

  update(patch: Partial<StackSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    this.emit({ type: 'snapshot', snapshot: this.snapshot });
  }

  log(service: string, text: string, stream: LogLine['stream'] = 'stdout'): LogLine {
    const line: LogLine = { seq: ++this.seq, service, stream, text, time: Date.now() };
    const ring = this.rings.get(service) ?? [];
    ring.push(line);
    if (ring.length > this.ringSize) ring.splice(0, ring.length - this.ringSize);
    this.rings.set(service, ring);
    this.emit({ type: 'log', line });
    return line;
  }

  /** Subscribers now (the UI's, while it is mounted). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  private emit(event: StackEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
