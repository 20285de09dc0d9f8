import { z } from 'zod'
import { contracts } from '../shared/api/contracts'
import { VERSION } from './handlers'
import { REST_ROUTES } from './rest'

// The OpenAPI document, generated from the same zod contracts the dispatcher validates with.

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' })
const outSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' })

const errorSchema = {
  type: 'object',
  properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } },
  required: ['code', 'message']
}

export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of REST_ROUTES) {
    const contract = contracts[route.rpc]
    const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
    const query = (route.query ?? []).map((q) => ({ name: q.name, in: 'query', required: false, description: q.description, schema: { type: 'string' } }))
    const op: Record<string, unknown> = {
      operationId: route.rpc,
      summary: route.summary,
      parameters: [...params, ...query],
      responses: {
        [String(route.status ?? 200)]: { description: 'OK', content: { 'application/json': { schema: outSchema(contract.output) } } },
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } }
      }
    }
    if (route.method === 'POST' || route.method === 'PATCH') {
      op.requestBody = { content: { 'application/json': { schema: route.rpc === 'auth.login' ? schema(contract.input) : { type: 'object', additionalProperties: true, description: 'Field values keyed by field API key' } } } }
    }
    if (route.rpc !== 'auth.login') op.security = [{ bearer: [] }]
    paths[route.path] = { ...(paths[route.path] ?? {}), [route.method.toLowerCase()]: op }
  }
  // Every contract method is also reachable as POST /rpc/<method>.
  for (const [name, contract] of Object.entries(contracts)) {
    paths[`/rpc/${name}`] = {
      post: {
        operationId: `rpc.${name}`,
        summary: contract.summary,
        tags: ['rpc'],
        requestBody: { content: { 'application/json': { schema: schema(contract.input) } } },
        responses: { 200: { description: '{ ok: true, data } or { ok: false, error }', content: { 'application/json': { schema: outSchema(contract.output) } } } }
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Jimu CRM API', version: VERSION, description: 'Local REST API of Jimu CRM. Errors are {code, message, field?}; messages follow Accept-Language (zh-CN default, en).' },
    servers: [{ url: '/' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths
  }
}
