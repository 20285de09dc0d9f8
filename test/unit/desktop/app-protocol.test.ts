import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RENDERER_CSP, resolveRendererFile, serveRendererRequest } from '../../../src-main/desktop/app-protocol'

// app://jimu serves the built renderer folder and nothing else, with its Content Security Policy.

let root: string
let renderer: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'jimu-app-protocol-'))
  renderer = join(root, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>积木 CRM</title>')
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)')
  writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}')
  writeFileSync(join(root, 'secret.txt'), 'outside the renderer')
  symlinkSync(join(root, 'secret.txt'), join(renderer, 'assets', 'link.txt'))
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

const get = (url: string) => serveRendererRequest(renderer, { url, method: 'GET' })

describe('the app:// protocol', () => {
  it('serves index.html with the CSP, nosniff and no caching', async () => {
    for (const url of ['app://jimu/index.html', 'app://jimu/', 'app://jimu']) {
      const res = get(url)
      expect(res.status, url).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      expect(res.headers.get('content-security-policy')).toBe(RENDERER_CSP)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('cache-control')).toBe('no-cache')
      expect(await res.text()).toContain('积木 CRM')
    }
  })

  it('serves scripts and styles with their MIME types', async () => {
    const js = get('app://jimu/assets/index-abc.js')
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await js.text()).toBe('console.log(1)')
    expect(get('app://jimu/assets/index-abc.css').headers.get('content-type')).toBe('text/css; charset=utf-8')
  })

  it('the policy allows scripts only from the app: no inline script, no eval, no network', () => {
    expect(RENDERER_CSP).toContain("script-src 'self'")
    expect(RENDERER_CSP).not.toMatch(/script-src[^;]*unsafe/)
    expect(RENDERER_CSP).toContain("object-src 'none'")
    expect(RENDERER_CSP).toContain("frame-ancestors 'none'")
    expect(RENDERER_CSP).not.toMatch(/https?:/)
  })

  it('refuses every way out of the renderer folder', () => {
    for (const url of [
      'app://jimu/../secret.txt',
      'app://jimu/%2e%2e/secret.txt',
      'app://jimu/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://jimu/assets/..%5c..%5csecret.txt',
      'app://jimu/assets/link.txt',
      'app://jimu/%00index.html'
    ]) {
      const res = get(url)
      expect([403, 404], url).toContain(res.status)
    }
    expect(resolveRendererFile(renderer, 'app://jimu/assets/link.txt')).toEqual({ status: 403, reason: 'Refused path' })
  })

  it('answers only its own host, GET and HEAD, and 404 for what is missing', async () => {
    expect(get('app://other/index.html').status).toBe(404)
    expect(get('app://jimu/nothing.js').status).toBe(404)
    expect(get('app://jimu/assets').status).toBe(404)
    expect(serveRendererRequest(renderer, { url: 'app://jimu/index.html', method: 'POST' }).status).toBe(405)
    const head = serveRendererRequest(renderer, { url: 'app://jimu/index.html', method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })
})
