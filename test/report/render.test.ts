import { createHash } from 'node:crypto'
import { Script } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { PyBundleError } from '@pybundle/errors'
import { renderReport, validateReportData, type ReportData } from '@pybundle/report'

const data = (): ReportData => ({
  summary: {
    formatVersion: '1.0',
    pythonVersion: '3.12',
    moduleCount: 2,
    fileSize: 4096,
    sections: [
      { name: 'MIDX', size: 64 },
      { name: 'BLOB', size: 2000 },
    ],
    strings: { entries: 10, records: 6, redirects: 4 },
    consts: { entries: 5, records: 4, redirects: 1 },
    bytesSavedBySharing: 123,
    checksums: 'unchecked',
  },
  modules: [
    { name: 'a', kind: 'package', codeObjects: 1, bytecodeBytes: 10, bytesAttributed: 100, stringsOwned: 3, stringsShared: 1, constsOwned: 1, constsShared: 0 },
    { name: 'a.b', kind: 'module', codeObjects: 2, bytecodeBytes: 20, bytesAttributed: 200, stringsOwned: 3, stringsShared: 3, constsOwned: 3, constsShared: 1 },
  ],
})

const scripts = (html: string): { attrs: string; body: string }[] =>
  [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1], body: m[2] }))

describe('renderReport', () => {
  it('is one self-contained file: nothing loaded from anywhere, a CSP that allows only its own script and style', () => {
    const html = renderReport(data())
    expect(html).not.toMatch(/\b(src|href)\s*=/i)
    expect(html).not.toMatch(/@import|url\(/i)
    expect(html).not.toMatch(/https?:\/\//i)
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'/)
    const code = scripts(html).filter((s) => s.attrs === '')
    expect(code.length).toBe(1)
    const hash = `'sha256-${createHash('sha256').update(code[0].body).digest('base64')}'`
    expect(csp).toContain(`script-src ${hash}`)
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`)
    // the injected page code parses as a script (it is compiled TypeScript, no imports left)
    expect(() => new Script(code[0].body)).not.toThrow()
    expect(code[0].body).not.toMatch(/\bimport\b|\brequire\(/)
  })

  it('embeds the data as JSON that cannot close its script element', () => {
    const d = data()
    // module names cannot hold '<', '/' or '>' (SPEC.md §5.1, checked by validateReportData); other strings can
    d.summary.sections[1].name = 'a.b</script><script>alert(1)//<!--'
    d.summary.formatVersion = '1.0</SCRIPT ><!--'
    const html = renderReport(d, { title: '</title><script>x</script> & "q"' })
    const json = scripts(html).find((s) => s.attrs.includes('pyb-data'))!
    expect(JSON.parse(json.body)).toEqual(d)
    expect(html).toContain('<title>&#60;/title&#62;&#60;script&#62;x&#60;/script&#62; &#38; &#34;q&#34;</title>')
    expect(scripts(html).filter((s) => s.attrs === '').length).toBe(1)
  })

  it('embeds a compared bundle only when given', () => {
    expect(renderReport(data())).not.toContain('id="pyb-compare"')
    const html = renderReport(data(), { compare: data(), compareLabel: 'v1' })
    expect(JSON.parse(scripts(html).find((s) => s.attrs.includes('pyb-compare'))!.body)).toEqual(data())
  })
})

describe('validateReportData', () => {
  const broken = (f: (d: any) => void): unknown => {
    const d = data()
    f(d)
    try {
      validateReportData(d)
    } catch (e) {
      return e
    }
    return null
  }
  it('refuses the module names verify() refuses (SPEC.md §5.1): the report and verify agree', () => {
    for (const name of [' ', 'a b', 'a..b', '.a', 'a\u2028b', '/', 'a/b', '\0', 'x\u001b[2J', 'a</script>']) {
      const e = broken((d) => (d.modules[1].name = name)) as PyBundleError
      expect(e.message).toMatch(/data\.modules\[1\]\.name is not a valid module name/)
    }
    for (const name of ['_sysconfigdata__linux_x86_64-linux-gnu', '__phello__.spam', 'café']) {
      expect(broken((d) => (d.modules[1].name = name))).toBeNull()
    }
  })

  it('names the first bad field', () => {
    expect(broken(() => {})).toBeNull()
    const e = broken((d) => (d.modules[0].bytesAttributed = -1)) as PyBundleError
    expect(e).toBeInstanceOf(PyBundleError)
    expect(e.code).toBe('MALFORMED')
    expect(e.details).toEqual({ path: 'data.modules[0].bytesAttributed' })
    expect((broken((d) => (d.summary.checksums = 'fine')) as PyBundleError).details).toEqual({ path: 'data.summary.checksums' })
    expect((broken((d) => (d.modules[1].name = 'a')) as PyBundleError).message).toContain('repeats a')
    expect((broken((d) => (d.modules[1].kind = 'pkg')) as PyBundleError).details).toEqual({ path: 'data.modules[1].kind' })
    expect((broken((d) => delete d.summary.strings) as PyBundleError).details).toEqual({ path: 'data.summary.strings' })
  })
})
