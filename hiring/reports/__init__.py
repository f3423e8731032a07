"""Reports: PDF rendering with WeasyPrint, SVG charts and CSV exports."""
