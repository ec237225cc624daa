"""Link cards inside running text: hover previews and "read more" boxes that a page nests in a paragraph.

trafilatura keeps a paragraph's inline elements, so a card of story links nested in a sentence
("Rep. Ilhan Omar<card: photo, name, three headlines, MORE> (D-Minn.), the office announced") is read
as part of the sentence and breaks it. A card is told by its shape, not its class names: an element
inside a paragraph whose text is all links, two or more, with a picture or two headlines (links of
several words) among them; a sentence of linked names has words between its links ("and", "of").
Only the innermost such element goes, so a linked name around it stays.
"""

from __future__ import annotations

import copy
import re

from lxml.html import HtmlElement

MIN_LINKS = 2
HEADLINE_WORDS = 5
_WORD = re.compile(r"[^\W_]")


def drop_link_cards(tree: HtmlElement) -> int:
    """Remove link cards nested in paragraphs, keeping the text that follows them; returns how many."""
    inline = {id(el): el for el in tree.iterfind(".//p//*")}  # nested paragraphs list an element twice
    cards = [
        el
        for el in inline.values()
        if _is_card(el) and not any(_is_card(inner) for inner in el.iterdescendants())
    ]
    for card in cards:
        if card.getparent() is not None:
            card.drop_tree()  # keeps the card's tail, the sentence's next words
    return len(cards)


def _is_card(el: HtmlElement) -> bool:
    if not isinstance(el.tag, str) or el.tag == "a":
        return False
    links = el.findall(".//a")
    if len(links) < MIN_LINKS or _WORD.search(_unlinked_text(el)):
        return False
    headlines = sum(1 for a in links if len(a.text_content().split()) >= HEADLINE_WORDS)
    return headlines >= 2 or (headlines >= 1 and el.find(".//img") is not None)


def _unlinked_text(el: HtmlElement) -> str:
    """The element's text outside its links: a card has none, a sentence of linked names has "and", "of"."""
    bare = copy.deepcopy(el)
    bare.tail = None
    for link in bare.findall(".//a"):
        if link.getparent() is not None:  # a link nested in a link (broken markup) went with its parent
            link.drop_tree()
    return bare.text_content()
