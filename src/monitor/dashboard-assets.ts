// The dashboard's static files: read once at start from src/monitor/dashboard/, served with a strict CSP.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EndpointResult } from './monitor-server.js';

/**
 * The assets are plain files kept in the source tree (no bundling step), found from the compiled module:
 * dist/src/monitor/*.js -> ../../../src/monitor/dashboard/. So `npm ci && npm start` serves them as is.
 */
export const ASSETS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../src/monitor/dashboard');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** Everything from this server only; no inline script or style, no framing, no plugins, no form posts elsewhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

export interface Asset {
  body: Buffer;
  contentType: string;
}

/** Reads the folder (and its subfolders) into memory: names like 'index.html', 'js/app.js'. */
export function loadAssets(dir = ASSETS_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!fs.existsSync(dir)) return assets;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const contentType = CONTENT_TYPES[path.extname(entry.name)];
    if (contentType === undefined) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    const name = path.relative(dir, full).split(path.sep).join('/');
    assets.set(name, { body: fs.readFileSync(full), contentType });
  }
  return assets;
}

export function assetResult(asset: Asset | undefined): EndpointResult {
  if (asset === undefined) return { status: 404, body: '404 page not found\n', headers: { 'X-Content-Type-Options': 'nosniff' } };
  return { status: 200, body: asset.body, contentType: asset.contentType, headers: SECURITY_HEADERS };
}
