"""Prints each PDF's page count, page size and text as JSON, read with pypdf (an independent parser). The text is
NFKC-normalised (Arabic-script presentation forms become letters) and its line breaks joined, so that a test can
look for a sentence whatever the layout."""
import json
import re
import sys
import unicodedata

from pypdf import PdfReader

result = []
for path in sys.argv[1:]:
    reader = PdfReader(path)
    page = reader.pages[0]
    text = unicodedata.normalize("NFKC", "\n".join(p.extract_text() for p in reader.pages))
    text = re.sub(r"\s+", " ", re.sub(r"-\n", "-", text))
    result.append({"file": path, "pages": len(reader.pages), "text": text,
                   "width": float(page.mediabox.width), "height": float(page.mediabox.height)})
json.dump(result, sys.stdout)
