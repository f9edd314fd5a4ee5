"""Reading a response the way a person does: HTML entities turned back into characters.

Names such as O'Brien are escaped in the page (``O&#x27;Brien``), so a test that looks
for a name must compare against the unescaped text, or it passes or fails by chance.
"""

import html


def page_text(response) -> str:
    return html.unescape(response.content.decode())
