import { Button, Group } from '@mantine/core'
import { IconMap2, IconPhoneCall } from '@tabler/icons-react'
import { useTranslation } from 'react-i18next'
import type { FieldDto } from '@shared/api/contracts'

// On a phone, a record's phone numbers and addresses as buttons: 拨打 opens the dialer (tel:),
// 地图 opens the address in a map (Amap's public URI, which hands over to the 高德 app where it
// is installed and shows a web map otherwise).

const ADDRESS = /address|addr|地址/i

const dialable = (value: string) => value.replace(/[^\d+]/g, '')

/** A text field holding an address: its API key or label says so. */
export const isAddressField = (f: FieldDto) => f.type === 'text' && (ADDRESS.test(f.apiKey) || ADDRESS.test(f.label))

export function mapUrl(address: string): string {
  return `https://uri.amap.com/search?keyword=${encodeURIComponent(address)}&callnative=1`
}

export function ContactLinks({ fields, values }: { fields: FieldDto[]; values: Record<string, unknown> }) {
  const { t } = useTranslation()
  const links: Array<{ key: string; href: string; label: string; kind: 'call' | 'map' }> = []
  for (const f of fields) {
    const value = values[f.apiKey]
    if (typeof value !== 'string' || value.trim() === '') continue
    if (f.type === 'phone' && dialable(value)) links.push({ key: f.apiKey, href: `tel:${dialable(value)}`, label: `${t('mobile.contact.call')} ${f.label}`, kind: 'call' })
    else if (isAddressField(f)) links.push({ key: f.apiKey, href: mapUrl(value.trim()), label: `${t('mobile.contact.map')} ${f.label}`, kind: 'map' })
  }
  if (links.length === 0) return null
  return (
    <Group gap="xs" data-testid="contact-links">
      {links.map((l) => (
        <Button
          key={l.key}
          component="a"
          href={l.href}
          target={l.kind === 'map' ? '_blank' : undefined}
          rel={l.kind === 'map' ? 'noopener noreferrer' : undefined}
          variant="light"
          size="xs"
          leftSection={l.kind === 'call' ? <IconPhoneCall size={14} /> : <IconMap2 size={14} />}
          data-testid={`contact-${l.kind}-${l.key}`}
        >
          {l.label}
        </Button>
      ))}
    </Group>
  )
}
