// The print view's style: an A4 sheet on screen (210 mm wide, a shadow on grey), the sheet alone
// when printed (@page A4, 14 mm margins, no toolbar). Chinese fonts first — the ones Windows,
// macOS and Linux carry — then the UI's own stack, so a PDF made on any of them reads well.
export const PRINT_CSS = `
.print-page { min-height: 100vh; background: #eef0f3; padding: 16px 12px 48px; box-sizing: border-box; }
.print-toolbar { max-width: 210mm; margin: 0 auto 12px; }
.print-sheet {
  box-sizing: border-box; width: 100%; max-width: 210mm; min-height: 297mm; margin: 0 auto; padding: 16mm 14mm;
  background: #fff; color: #1a1b1e; box-shadow: 0 4px 24px rgba(0,0,0,0.08); border-radius: 4px;
  font-family: "Microsoft YaHei", "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "SimSun", system-ui, sans-serif;
  font-size: 10.5pt; line-height: 1.5;
}
.print-letterhead { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; padding-bottom: 8px; border-bottom: 2px solid #1a1b1e; }
.print-company { display: flex; align-items: center; gap: 12px; min-width: 0; }
.print-logo { height: 44px; width: auto; max-width: 160px; object-fit: contain; }
.print-company-name { font-size: 15pt; font-weight: 700; }
.print-muted { color: #555; font-size: 9pt; }
.print-doc { text-align: right; flex-shrink: 0; }
.print-doc-name { font-size: 17pt; font-weight: 700; letter-spacing: 0.3em; }
.print-title { font-size: 14pt; font-weight: 600; margin: 14px 0 6px; text-align: center; }
.print-block { margin-top: 12px; break-inside: auto; }
.print-section-title { font-weight: 700; font-size: 10.5pt; margin: 0 0 4px; padding-left: 6px; border-left: 3px solid #1a1b1e; }
.print-fields, .print-rows { width: 100%; border-collapse: collapse; table-layout: fixed; }
.print-fields th, .print-fields td, .print-rows th, .print-rows td { border: 1px solid #9aa0a6; padding: 4px 6px; vertical-align: top; overflow-wrap: anywhere; }
.print-fields th { background: #f1f3f5; font-weight: 600; text-align: left; color: #333; }
.print-rows thead th { background: #f1f3f5; font-weight: 600; text-align: left; }
.print-rows tfoot td { font-weight: 700; background: #fafafa; }
.print-rows tr { break-inside: avoid; }
.print-rows thead { display: table-header-group; }
.print-fields .pre { white-space: pre-wrap; }
.print-rows .num, .print-rows th.num { text-align: right; font-variant-numeric: tabular-nums; }
.print-rows .empty { text-align: center; color: #777; }
.print-rich p { margin: 0 0 4px; }
.print-rich ul, .print-rich ol { margin: 0 0 4px; padding-left: 20px; }
.print-word h1 { font-size: 16pt; text-align: center; margin: 4px 0 12px; }
.print-word h2 { font-size: 12pt; margin: 12px 0 6px; }
.print-word h3, .print-word h4, .print-word h5, .print-word h6 { font-size: 10.5pt; margin: 10px 0 4px; }
.print-word p { margin: 0 0 6px; }
.print-word table { width: 100%; border-collapse: collapse; margin: 6px 0 10px; }
.print-word th, .print-word td { border: 1px solid #9aa0a6; padding: 4px 6px; vertical-align: top; overflow-wrap: anywhere; }
.print-word td p, .print-word th p { margin: 0; }
.print-word tr { break-inside: avoid; }
.print-foot { display: flex; justify-content: space-between; gap: 16px; margin-top: 28px; padding-top: 8px; border-top: 1px solid #9aa0a6; font-size: 9pt; color: #333; }
.print-sign { text-align: right; }
@media (max-width: 600px) {
  .print-sheet { padding: 16px 12px; min-height: 0; font-size: 10pt; }
  .print-letterhead { flex-direction: column; align-items: flex-start; }
  .print-doc { text-align: left; }
  .print-fields col { width: auto !important; }
}
@media print {
  @page { size: A4; margin: 14mm; }
  html, body { background: #fff !important; }
  .no-print { display: none !important; }
  .print-page { padding: 0; background: #fff; min-height: 0; }
  .print-sheet { box-shadow: none; border-radius: 0; padding: 0; max-width: none; min-height: 0; }
}
`
