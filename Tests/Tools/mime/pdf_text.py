"""Prints each PDF's page count and text as JSON, read with pypdf (an independent parser)."""
import json
import sys

from pypdf import PdfReader

result = []
for path in sys.argv[1:]:
    reader = PdfReader(path)
    page = reader.pages[0]
    result.append({"file": path, "pages": len(reader.pages), "text": "\n".join(p.extract_text() for p in reader.pages),
                   "width": float(page.mediabox.width), "height": float(page.mediabox.height)})
json.dump(result, sys.stdout)
