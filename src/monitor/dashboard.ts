// The live web dashboard at / on the monitoring port, and the small HTTP API its tester and KV browser use.

import type { MonitorServer } from './monitor-server.js';
import { assetResult, loadAssets, ASSETS_DIR, SECURITY_HEADERS } from './dashboard-assets.js';
import { registerDashboardApi } from './dashboard-api.js';

/** Assets are under /dashboard/ so they never shadow a monitoring endpoint (/varz, /jsz…) the page polls. */
const ASSET_PREFIX = '/dashboard/';

export function registerDashboard(monitor: MonitorServer): void {
  const assets = loadAssets();
  if (!assets.has('index.html')) monitor.server.logger.warn(`Dashboard assets not found in ${ASSETS_DIR}; / will answer 404`);
  monitor.register('/', (_query, request) => {
    const pathname = new URL(request.url ?? '/', 'http://monitor').pathname;
    // Under an http_base_path '/mon', the page must be at '/mon/' for its relative asset and API URLs to resolve.
    if (!pathname.endsWith('/')) return { status: 301, body: '', headers: { ...SECURITY_HEADERS, Location: `${pathname}/` } };
    return assetResult(assets.get('index.html'));
  });
  monitor.register(`${ASSET_PREFIX}*`, (_query, request) => {
    const pathname = new URL(request.url ?? '/', 'http://monitor').pathname;
    const at = pathname.lastIndexOf(ASSET_PREFIX);
    // Only names loaded at start are served, so '..' or encoded tricks cannot reach other files.
    return assetResult(assets.get(decodeURIComponent(pathname.slice(at + ASSET_PREFIX.length))));
  });
  registerDashboardApi(monitor);
}
