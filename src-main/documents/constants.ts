/** The content type of a Word document (.docx). */
export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
