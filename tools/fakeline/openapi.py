"""A small OpenAPI 3 schema checker for LINE's two specifications (``data/``).

Why not a general validator: LINE's specs use a few constructs only (``$ref``, ``allOf``,
a ``discriminator`` with a ``mapping`` on the base type, ``enum``, lengths and counts), and
the fake must be strict where a general validator is lenient: a property the spec does not
name is an error here (LINE ignores some, but the bot sending one means a typo or a model
the fake does not know). Limits LINE states only in prose are in ``PROSE_LIMITS``.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data"
MESSAGING_API = DATA / "messaging-api.yml"
WEBHOOK = DATA / "webhook.yml"

# (schema name, property) -> max characters, from the Messaging API reference's prose
PROSE_LIMITS: dict[tuple[str, str], int] = {
    ("TextMessage", "text"): 5000,
    ("PostbackAction", "displayText"): 300,
    ("LocationMessage", "title"): 100,
    ("LocationMessage", "address"): 100,
}


@functools.cache
def load(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=loader)


class Checker:
    """Checks JSON values against the named schemas of one spec file."""

    def __init__(self, spec: dict):
        self.spec = spec
        self.schemas: dict[str, dict] = spec["components"]["schemas"]

    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        """The (template path, operation) serving a concrete request path, if the spec has it."""
        for template, item in self.spec["paths"].items():
            pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
            if re.match(pattern, path) and method.lower() in item:
                return template, item[method.lower()]
        return None

    def request_schema(self, op: dict) -> dict | None:
        body = op.get("requestBody")
        if not body:
            return None
        return body["content"].get("application/json", {}).get("schema")

    def check(self, schema: dict, value: Any, where: str = "$") -> list[str]:
        errors: list[str] = []
        self._check(schema, value, where, errors, None)
        return errors

    def check_named(self, name: str, value: Any) -> list[str]:
        return self.check({"$ref": f"#/components/schemas/{name}"}, value)

    # --- internals --------------------------------------------------------------------
    def _resolve(self, schema: dict) -> tuple[dict, str | None]:
        name = None
        while "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            schema = self.schemas[name]
        return schema, name

    def _flatten(self, schema: dict, name: str | None, seen: tuple = ()) -> dict:
        """properties, required and type of a schema with its allOf parts merged."""
        props: dict[str, tuple[dict, str | None]] = {}
        required: set[str] = set(schema.get("required", ()))
        for part in schema.get("allOf", ()):
            sub, sub_name = self._resolve(part)
            if sub_name and sub_name in seen:
                continue
            flat = self._flatten(sub, sub_name or name, (*seen, sub_name))
            props.update(flat["props"])
            required |= flat["required"]
        for key, value in schema.get("properties", {}).items():
            props[key] = (value, name)
        return {"props": props, "required": required}

    def _check(
        self, schema: dict, value: Any, where: str, errors: list[str], skip_disc: str | None
    ) -> None:
        schema, name = self._resolve(schema)
        disc = schema.get("discriminator")
        if disc and name != skip_disc and isinstance(value, dict):
            key = disc["propertyName"]
            target = disc.get("mapping", {}).get(value.get(key))
            if target is None:
                errors.append(f"{where}.{key}: {value.get(key)!r} is not one of {name}'s types")
                return
            self._check({"$ref": target}, value, where, errors, name)
            return
        for alt_key in ("oneOf", "anyOf"):
            if alt_key in schema:
                alts = [self.check(alt, value, where) for alt in schema[alt_key]]
                if all(alts):
                    errors.append(f"{where}: matches none of {alt_key}: {alts[0][:1]}")
                return
        kind = schema.get("type") or ("object" if "allOf" in schema else None)
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{where}: {value!r} not in {schema['enum']}")
        if kind == "object" or "allOf" in schema or "properties" in schema:
            self._object(schema, name, value, where, errors)
        elif kind == "array":
            if not isinstance(value, list):
                errors.append(f"{where}: expected an array")
                return
            if "maxItems" in schema and len(value) > schema["maxItems"]:
                errors.append(f"{where}: {len(value)} items, at most {schema['maxItems']}")
            if "minItems" in schema and len(value) < schema["minItems"]:
                errors.append(f"{where}: {len(value)} items, at least {schema['minItems']}")
            for i, item in enumerate(value):
                self._check(schema.get("items", {}), item, f"{where}[{i}]", errors, None)
        elif kind == "string":
            if not isinstance(value, str):
                errors.append(f"{where}: expected a string")
                return
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                errors.append(f"{where}: {len(value)} characters, at most {schema['maxLength']}")
            if "minLength" in schema and len(value) < schema["minLength"]:
                errors.append(f"{where}: {len(value)} characters, at least {schema['minLength']}")
            if "pattern" in schema and not re.search(schema["pattern"], value):
                errors.append(f"{where}: does not match {schema['pattern']}")
        elif kind == "integer":
            if not isinstance(value, int) or isinstance(value, bool):
                errors.append(f"{where}: expected an integer")
        elif kind == "number":
            if not isinstance(value, int | float) or isinstance(value, bool):
                errors.append(f"{where}: expected a number")
        elif kind == "boolean" and not isinstance(value, bool):
            errors.append(f"{where}: expected true or false")
        if kind in ("integer", "number") and isinstance(value, int | float):
            if "maximum" in schema and value > schema["maximum"]:
                errors.append(f"{where}: {value} above {schema['maximum']}")
            if "minimum" in schema and value < schema["minimum"]:
                errors.append(f"{where}: {value} below {schema['minimum']}")

    def _object(self, schema: dict, name: str | None, value: Any, where: str, errors: list) -> None:
        if not isinstance(value, dict):
            errors.append(f"{where}: expected an object")
            return
        extra = schema.get("additionalProperties")
        flat = self._flatten(schema, name, (name,))
        for key in sorted(flat["required"]):
            if key not in value:
                errors.append(f"{where}: missing required {key!r}")
        for key, item in value.items():
            if key in flat["props"]:
                sub, owner = flat["props"][key]
                self._check(sub, item, f"{where}.{key}", errors, None)
                limit = PROSE_LIMITS.get((name or owner or "", key))
                if limit is not None and isinstance(item, str) and len(item) > limit:
                    errors.append(f"{where}.{key}: {len(item)} characters, at most {limit}")
            elif isinstance(extra, dict):
                self._check(extra, item, f"{where}.{key}", errors, None)
            elif extra is not True:
                errors.append(f"{where}: unknown property {key!r} ({name or 'object'})")


@functools.cache
def messaging_api() -> Checker:
    return Checker(load(MESSAGING_API))


@functools.cache
def webhook() -> Checker:
    return Checker(load(WEBHOOK))


def quick_reply_problems(body: dict) -> list[str]:
    """Quick reply button labels of at most 20 characters (stated in prose only)."""
    out = []
    for i, message in enumerate(body.get("messages") or []):
        items = (message.get("quickReply") or {}).get("items") or []
        for j, item in enumerate(items):
            label = (item.get("action") or {}).get("label") or ""
            if len(label) > 20:
                out.append(f"$.messages[{i}].quickReply.items[{j}].action.label: {label!r} > 20")
    return out
