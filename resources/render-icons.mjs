// Renders resources/icon.svg into the installers' icons with Chromium (playwright-core; set
// CHROMIUM to the browser, default /usr/bin/chromium):
//   icon.png (1024, macOS and the default), icons/<n>x<n>.png (Linux), icon.ico (Windows: 16–256,
//   PNG-compressed entries, which Windows Vista and later read).
//   node resources/render-icons.mjs
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const here = dirname(fileURLToPath(import.meta.url))
const svg = readFileSync(join(here, 'icon.svg'), 'utf8')
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
const page = await browser.newPage({ deviceScaleFactor: 1 })

async function render(size) {
  await page.setViewportSize({ width: size, height: size })
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg.replace('<svg ', `<svg style="display:block;width:${size}px;height:${size}px" `)}</body></html>`)
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
}

writeFileSync(join(here, 'icon.png'), await render(1024))
mkdirSync(join(here, 'icons'), { recursive: true })
const ico = []
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
  const png = await render(size)
  writeFileSync(join(here, 'icons', `${size}x${size}.png`), png)
  if (size <= 256) ico.push({ size, png })
}
await browser.close()

// ICONDIR, then one ICONDIRENTRY per image (a size of 256 is written as 0), then the images.
const header = Buffer.alloc(6 + 16 * ico.length)
header.writeUInt16LE(0, 0)
header.writeUInt16LE(1, 2)
header.writeUInt16LE(ico.length, 4)
let offset = header.length
ico.forEach(({ size, png }, i) => {
  const at = 6 + 16 * i
  header.writeUInt8(size >= 256 ? 0 : size, at)
  header.writeUInt8(size >= 256 ? 0 : size, at + 1)
  header.writeUInt8(0, at + 2)
  header.writeUInt8(0, at + 3)
  header.writeUInt16LE(1, at + 4)
  header.writeUInt16LE(32, at + 6)
  header.writeUInt32LE(png.length, at + 8)
  header.writeUInt32LE(offset, at + 12)
  offset += png.length
})
writeFileSync(join(here, 'icon.ico'), Buffer.concat([header, ...ico.map((i) => i.png)]))
console.log('icon.png, icon.ico, icons/*.png written')
