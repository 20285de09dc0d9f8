// Writes the Word templates the sales app ships (src-main/documents/shipped.ts) into
// resources/templates/, for owners to download, change in Word or WPS, and upload again.
// Run: npx tsx scripts/build-doc-templates.ts
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SHIPPED_TEMPLATES } from '../src-main/documents/shipped'

const names: Record<keyof typeof SHIPPED_TEMPLATES, string> = { contract: '销售合同.docx', quote: '报价单.docx' }
for (const [key, build] of Object.entries(SHIPPED_TEMPLATES)) {
  const file = join(import.meta.dirname, '..', 'resources', 'templates', names[key as keyof typeof SHIPPED_TEMPLATES])
  writeFileSync(file, build())
  console.log(file)
}
