"""Slack's message limits, checked the way the Web API reports them.

Slack rejects a whole message for one oversized block and says where in ``errors`` (``... [json-pointer:
/blocks/0/text/text]``). The app must stay inside these limits, so the stand-in enforces them instead of
accepting anything.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "MAX_BLOCKS_MESSAGE",
    "MAX_BLOCKS_VIEW",
    "MAX_SECTION_TEXT",
    "MAX_TEXT",
    "BlockErrors",
    "check_blocks",
    "check_metadata",
]

MAX_TEXT = 40_000
MAX_BLOCKS_MESSAGE = 50
MAX_BLOCKS_VIEW = 100
MAX_SECTION_TEXT = 3_000
MAX_SECTION_FIELDS = 10
MAX_FIELD_TEXT = 2_000
MAX_HEADER_TEXT = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTIONS_ELEMENTS = 25
MAX_BLOCK_ID = 255
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2_000
MAX_ACTION_ID = 255

BlockErrors = list[str]


def _too_long(limit: int, pointer: str) -> str:
    return f"must be less than {limit + 1} characters [json-pointer:{pointer}]"


def _text_of(obj: Any) -> str | None:
    return obj.get("text") if isinstance(obj, dict) and isinstance(obj.get("text"), str) else None


def _check_element(element: Any, pointer: str, errors: BlockErrors) -> None:
    if not isinstance(element, dict) or "type" not in element:
        errors.append(f"missing required field: type [json-pointer:{pointer}]")
        return
    if element["type"] == "button":
        label = _text_of(element.get("text"))
        if label is not None and len(label) > MAX_BUTTON_TEXT:
            errors.append(_too_long(MAX_BUTTON_TEXT, f"{pointer}/text/text"))
        value = element.get("value")
        if isinstance(value, str) and len(value) > MAX_BUTTON_VALUE:
            errors.append(_too_long(MAX_BUTTON_VALUE, f"{pointer}/value"))
    action_id = element.get("action_id")
    if isinstance(action_id, str) and len(action_id) > MAX_ACTION_ID:
        errors.append(_too_long(MAX_ACTION_ID, f"{pointer}/action_id"))


def _check_block(block: Any, i: int, errors: BlockErrors) -> None:
    pointer = f"/blocks/{i}"
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        errors.append(f"missing required field: type [json-pointer:{pointer}]")
        return
    kind = block["type"]
    block_id = block.get("block_id")
    if isinstance(block_id, str) and len(block_id) > MAX_BLOCK_ID:
        errors.append(_too_long(MAX_BLOCK_ID, f"{pointer}/block_id"))
    if kind == "section":
        text = _text_of(block.get("text"))
        fields = block.get("fields")
        if text is None and not fields:
            errors.append(f"must provide text or fields [json-pointer:{pointer}]")
        if text is not None and len(text) > MAX_SECTION_TEXT:
            errors.append(_too_long(MAX_SECTION_TEXT, f"{pointer}/text/text"))
        if isinstance(fields, list):
            if len(fields) > MAX_SECTION_FIELDS:
                limit = MAX_SECTION_FIELDS
                errors.append(f"no more than {limit} items allowed [json-pointer:{pointer}/fields]")
            for j, field in enumerate(fields):
                field_text = _text_of(field)
                if field_text is not None and len(field_text) > MAX_FIELD_TEXT:
                    errors.append(_too_long(MAX_FIELD_TEXT, f"{pointer}/fields/{j}/text"))
        if "accessory" in block:
            _check_element(block["accessory"], f"{pointer}/accessory", errors)
    elif kind == "header":
        text = _text_of(block.get("text"))
        if text is None:
            errors.append(f"missing required field: text [json-pointer:{pointer}]")
        elif len(text) > MAX_HEADER_TEXT:
            errors.append(_too_long(MAX_HEADER_TEXT, f"{pointer}/text/text"))
    elif kind in ("context", "actions"):
        limit = MAX_CONTEXT_ELEMENTS if kind == "context" else MAX_ACTIONS_ELEMENTS
        elements = block.get("elements")
        if not isinstance(elements, list) or not elements:
            errors.append(f"missing required field: elements [json-pointer:{pointer}]")
            return
        if len(elements) > limit:
            errors.append(f"no more than {limit} items allowed [json-pointer:{pointer}/elements]")
        for j, element in enumerate(elements):
            _check_element(element, f"{pointer}/elements/{j}", errors)


def check_blocks(blocks: Any, *, max_blocks: int = MAX_BLOCKS_MESSAGE) -> BlockErrors:
    """Slack's complaints about ``blocks``, empty when Slack would accept them."""
    if not isinstance(blocks, list):
        return ["must be an array [json-pointer:/blocks]"]
    errors: BlockErrors = []
    if len(blocks) > max_blocks:
        errors.append(f"no more than {max_blocks} items allowed [json-pointer:/blocks]")
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        _check_block(block, i, errors)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in seen_ids:
                errors.append(f"duplicate block_id [json-pointer:/blocks/{i}/block_id]")
            seen_ids.add(block_id)
    return errors


def check_metadata(metadata: Any) -> str | None:
    """The error Slack gives for malformed message ``metadata``, or None when it is well formed."""
    if not isinstance(metadata, dict):
        return "invalid_metadata_format"
    if not isinstance(metadata.get("event_type"), str) or not isinstance(metadata.get("event_payload"), dict):
        return "invalid_metadata_format"
    return None
