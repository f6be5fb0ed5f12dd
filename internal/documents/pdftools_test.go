package documents_test

// The tests read the PDFs back with poppler (pdftotext, pdfinfo) and check them with qpdf, as
// internal/pdf's own tests do: without the tools they skip locally but fail in CI (CI set).
