// hfi-proxy's admin port, shaped like Envoy's: /stats/prometheus, /stats, /ready, /server_info.
import http from 'node:http';
import type { StatsStore } from './metrics.js';

export interface AdminState {
  stats: StatsStore;
  ready: () => { ok: boolean; detail: string };
  info: () => Record<string, unknown>;
}

export function createAdminServer(state: AdminState): http.Server {
  return http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (path === '/stats/prometheus') return send(200, 'text/plain; version=0.0.4', state.stats.prometheusText());
    if (path === '/stats') return send(200, 'text/plain', state.stats.plainText());
    if (path === '/ready') {
      const r = state.ready();
      return send(r.ok ? 200 : 503, 'text/plain', `${r.ok ? 'LIVE' : 'NOT READY'}${r.detail ? `: ${r.detail}` : ''}\n`);
    }
    if (path === '/server_info') return send(200, 'application/json', `${JSON.stringify(state.info(), null, 2)}\n`);
    send(404, 'text/plain', 'not found: try /stats/prometheus, /stats, /ready, /server_info\n');
  });
}
