'use strict';
// A small client for the test API server: JSON requests over one keep-alive
// agent, discovery (kind -> resource), a bounded-concurrency map, and the
// helpers every suite shares. Plain CommonJS, Node built-ins only.

const https = require('node:https');

class Client {
  constructor(cluster, { maxSockets = 8 } = {}) {
    this.url = new URL(cluster.url);
    this.token = cluster.token;
    this.agent = new https.Agent({ keepAlive: true, maxSockets, rejectUnauthorized: false });
    this.resources = undefined; // `${apiVersion}/${kind}` -> { resource, namespaced }
  }

  close() {
    this.agent.destroy();
  }

  /**
   * One request. Returns { status, json, text, warnings } where warnings are the
   * texts of the Warning headers (RFC 7234 `299 - "text"`), in order.
   */
  request(method, path, body, { contentType = 'application/json', timeoutMs = 60000 } = {}) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
      const req = https.request({
        host: this.url.hostname,
        port: this.url.port,
        path,
        method,
        agent: this.agent,
        headers: {
          Authorization: `Bearer ${this.token}`,
          Accept: 'application/json',
          ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
        },
        timeout: timeoutMs,
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => {
          let json;
          try { json = JSON.parse(text); } catch { json = undefined; }
          resolve({ status: res.statusCode, json, text, warnings: parseWarnings(res.rawHeaders) });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: request timeout`)));
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  /** Like request(), but throws unless the status is one of `ok`. */
  async must(method, path, body, ok = [200, 201], opts) {
    const r = await this.request(method, path, body, opts);
    if (!ok.includes(r.status)) {
      throw new Error(`${method} ${path}: HTTP ${r.status}: ${(r.json && r.json.message) || r.text.slice(0, 500)}`);
    }
    return r;
  }

  /** Reads discovery once: every served apiVersion/kind with its resource name and scope. */
  async discover() {
    if (this.resources) return this.resources;
    const map = new Map();
    const addList = (groupVersion, list) => {
      for (const r of list.resources || []) {
        if (r.name.includes('/')) continue; // subresources
        map.set(`${groupVersion}/${r.kind}`, { resource: r.name, namespaced: r.namespaced });
      }
    };
    addList('v1', (await this.must('GET', '/api/v1')).json);
    const groups = (await this.must('GET', '/apis')).json.groups;
    for (const g of groups) {
      for (const v of g.versions) {
        addList(v.groupVersion, (await this.must('GET', `/apis/${v.groupVersion}`)).json);
      }
    }
    this.resources = map;
    return map;
  }

  /** Forgets discovery (after a CRD was added). */
  rediscover() {
    this.resources = undefined;
    return this.discover();
  }

  /**
   * The collection path for an object (`/api/v1/namespaces/ns/pods`), or undefined when the server does not
   * serve its apiVersion/kind. `namespace` overrides metadata.namespace for namespaced kinds.
   */
  collectionPath(object, namespace) {
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const kind = typeof object.kind === 'string' ? object.kind : '';
    const entry = this.resources.get(`${apiVersion}/${kind}`);
    if (!entry) return undefined;
    const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    if (!entry.namespaced) return `${base}/${entry.resource}`;
    const ns = namespace || (object.metadata && typeof object.metadata.namespace === 'string' && object.metadata.namespace) || 'default';
    // encodeURIComponent: a namespace the server refuses (`Team A`, `../x`) still makes a well-formed request.
    return `${base}/namespaces/${encodeURIComponent(ns)}/${entry.resource}`;
  }

  /** Creates a namespace with labels (or relabels an existing one). */
  async ensureNamespace(name, labels = {}) {
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
    const r = await this.request('POST', '/api/v1/namespaces', body);
    if (r.status === 201) return;
    if (r.status !== 409) throw new Error(`create namespace ${name}: HTTP ${r.status}: ${r.json && r.json.message}`);
    await this.must('PATCH', `/api/v1/namespaces/${name}`, { metadata: { labels } }, [200],
      { contentType: 'application/merge-patch+json' });
  }

  async version() {
    return (await this.must('GET', '/version')).json;
  }
}

/** The texts of the Warning headers of a response. */
function parseWarnings(rawHeaders) {
  const out = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if (rawHeaders[i].toLowerCase() !== 'warning') continue;
    const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(rawHeaders[i + 1]);
    out.push(m ? m[1].replace(/\\(.)/g, '$1') : rawHeaders[i + 1]);
  }
  return out;
}

/** Runs fn over items with at most `limit` in flight; results in input order. */
async function pool(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 100 ms until it resolves truthy; throws naming `what` after `timeoutMs`. */
async function waitFor(what, check, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(100);
  }
}

function seconds(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** A deep copy of a JSON value. */
function clone(value) {
  return JSON.parse(JSON.stringify(value));
}

/**
 * A suite's tally: agreements and every disagreement (label + what differs), plus
 * named counters. `report()` prints the counts and lists every disagreement.
 */
class Tally {
  constructor(name) {
    this.name = name;
    this.agree = 0;
    this.disagreements = [];
    this.counts = {};
  }

  record(label, agrees, detail) {
    if (agrees) this.agree++;
    else this.disagreements.push(`${label}: ${detail}`);
  }

  count(key, n = 1) {
    this.counts[key] = (this.counts[key] || 0) + n;
  }

  report() {
    const extra = Object.entries(this.counts).map(([k, v]) => `${k} ${v}`).join(', ');
    console.log(`${this.name}: ${this.agree} agree, ${this.disagreements.length} disagree${extra ? ` (${extra})` : ''}`);
    for (const d of this.disagreements) console.log(`  DISAGREE ${d}`);
  }

  summary() {
    return { agree: this.agree, disagree: this.disagreements.length, ...this.counts };
  }
}

module.exports = { Client, pool, sleep, waitFor, seconds, clone, Tally, parseWarnings };
