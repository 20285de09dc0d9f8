import { describe, expect, it } from 'vitest'
import { parseBoolean, parseEmail, parsePhone, parseUrl } from '../../../../src-main/shared/values'

describe('parseBoolean', () => {
  it.each<unknown>([true, 1, 'true', 'TRUE', 'True', '1', 'yes', 'Y', 'y', 'on', 'checked', '是', '对', '真', '有', '√', '✓', '✔', '１', ' YES '])(
    '%j is true',
    (input) => {
      expect(parseBoolean(input)).toEqual({ ok: true, value: true })
    }
  )

  it.each<unknown>([false, 0, 'false', 'FALSE', '0', 'no', 'N', 'n', 'off', 'unchecked', '否', '错', '假', '无', '×', '✗', '✘'])('%j is false', (input) => {
    expect(parseBoolean(input)).toEqual({ ok: true, value: false })
  })

  it.each<unknown>(['maybe', '2', 2, '', null, {}, '是否'])('%j is rejected', (input) => {
    expect(parseBoolean(input)).toMatchObject({ ok: false, code: 'value.notABoolean' })
  })
})

describe('parsePhone accepts', () => {
  it.each<[unknown, string]>([
    ['13812345678', '13812345678'],
    [13812345678, '13812345678'],
    ['+86 138 1234 5678', '13812345678'],
    ['+8613812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['0086 138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['１３８１２３４５６７８', '13812345678'],
    ['021-12345678', '021-12345678'],
    ['(021) 12345678', '021-12345678'],
    ['02112345678', '021-12345678'],
    ['0755-1234567', '0755-1234567'],
    ['0755 2345 6789', '0755-23456789'],
    ['+86 21 1234 5678', '021-12345678'],
    ['010-12345678-123', '010-12345678-123'],
    ['010-12345678转123', '010-12345678-123'],
    ['010-12345678 ext. 45', '010-12345678-45'],
    ['400-123-4567', '400-123-4567'],
    ['4001234567', '400-123-4567'],
    ['800 123 4567', '800-123-4567'],
    ['+1 415 555 0100', '+14155550100'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+1 415 555 0100 x12', '+14155550100 ext 12']
  ])('%j → %s', (input, expected) => {
    expect(parsePhone(input)).toEqual({ ok: true, value: expected })
  })
})

describe('parsePhone rejects', () => {
  it.each<unknown>(['138-0000', '1380000', '12345678', '2345-6789', 'abc', '138abcd5678', '138-1234-567a', '12345', '123', '0123', '1381234567', '138123456789', '021-123', '+1 23', '', 12.5, null])(
    '%j',
    (input) => {
      expect(parsePhone(input)).toMatchObject({ ok: false, code: 'value.invalidPhone' })
    }
  )
})

describe('parseEmail', () => {
  it.each<[string, string]>([
    ['zhang@example.com', 'zhang@example.com'],
    ['  zhang@example.com  ', 'zhang@example.com'],
    ['Zhang.San@Example.COM', 'Zhang.San@example.com'],
    ['zhang＠example.com', 'zhang@example.com'],
    ['zhang@example。com', 'zhang@example.com'],
    ['mailto:zhang@example.com', 'zhang@example.com'],
    ['a+tag@mail.example.com.cn', 'a+tag@mail.example.com.cn'],
    ['销售@例子.中国', '销售@例子.中国']
  ])('accepts %s', (input, expected) => {
    expect(parseEmail(input)).toEqual({ ok: true, value: expected })
  })

  it.each<unknown>(['zhang', 'zhang@', '@example.com', 'a@b@example.com', 'zhang san@example.com', 'zhang@example', 'zhang@example.', 'zhang@-example.com', '.zhang@example.com', 'zhang..san@example.com', 'zhang@example.123', 42])(
    'rejects %j',
    (input) => {
      expect(parseEmail(input)).toMatchObject({ ok: false, code: 'value.invalidEmail' })
    }
  )
})

describe('parseUrl', () => {
  it.each<[string, string]>([
    ['https://example.com', 'https://example.com'],
    ['http://example.com/a?b=1#c', 'http://example.com/a?b=1#c'],
    ['HTTPS://Example.COM/Path', 'https://example.com/Path'],
    ['www.example.com', 'https://www.example.com'],
    ['example.com.cn/about', 'https://example.com.cn/about'],
    ['localhost:3000/api', 'https://localhost:3000/api'],
    ['http://localhost', 'http://localhost'],
    ['http://192.168.1.10:8080', 'http://192.168.1.10:8080'],
    ['ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ', 'https://www.example.com']
  ])('accepts %s', (input, expected) => {
    expect(parseUrl(input)).toEqual({ ok: true, value: expected })
  })

  it.each<unknown>(['example', 'http://', 'https://exa mple.com', 'http://user:pw@example.com', 'https://example.com:99999', 'http://300.1.1.1', '', 7])('rejects %j', (input) => {
    expect(parseUrl(input)).toMatchObject({ ok: false, code: 'value.invalidUrl' })
  })

  it.each(['ftp://example.com', 'mailto:a@example.com', 'javascript:alert(1)', 'file:///etc/passwd'])('rejects the scheme of %s', (input) => {
    expect(parseUrl(input)).toMatchObject({ ok: false, code: 'value.unsupportedUrlScheme' })
  })
})
