#!/usr/bin/env python3
"""Validates every shipped configuration (configs/suites, systems, criteria) against its JSON
Schema (configs/schema/*.schema.json), checks that the checker rejects planted mistakes, and,
given capbench, that the suite schema names exactly the keys `capbench list --json` lists.

The validator below covers the part of JSON Schema 2020-12 the schemas use (type, enum, const,
required, properties, additionalProperties: false, items, min/maxItems, minLength, minimum,
maximum, exclusiveMinimum, $ref to #/$defs, allOf, anyOf, oneOf, if/then). Where the
python3-jsonschema package is installed, every file is validated with it as well.

Usage: check_configs.py REPO_ROOT [CAPBENCH]
"""
import copy
import json
import pathlib
import subprocess
import sys

SCHEMA_OF = {"suites": "suite", "systems": "system", "criteria": "criteria"}
KNOWN = {"$schema", "$id", "title", "description", "type", "enum", "const", "required", "properties",
         "additionalProperties", "items", "minItems", "maxItems", "minLength", "minimum", "maximum",
         "exclusiveMinimum", "$ref", "$defs", "allOf", "anyOf", "oneOf", "if", "then"}


def strip_comments(text):
    """JSONC -> JSON: drops // and /* */ comments outside strings."""
    out, i, n, in_str = [], 0, len(text), False
    while i < n:
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\" and i + 1 < n:
                out.append(text[i + 1])
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            out.append(c)
        elif text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        elif text.startswith("/*", i):
            i = text.index("*/", i) + 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def load(path):
    return json.loads(strip_comments(pathlib.Path(path).read_text()))


def type_ok(value, t):
    return {"object": isinstance(value, dict), "array": isinstance(value, list), "string": isinstance(value, str),
            "boolean": isinstance(value, bool), "null": value is None,
            "integer": isinstance(value, int) and not isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool)}[t]


def errors(value, schema, root, path="$"):
    """The list of problems of value against schema; empty when valid."""
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"schema uses keywords this checker does not know: {sorted(unknown)}")
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return errors(value, root["$defs"][ref[len("#/$defs/"):]], root, path)
    out = []
    if "type" in schema and not type_ok(value, schema["type"]):
        return [f"{path}: expected {schema['type']}, got {type(value).__name__}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            out.append(f"{path}: {value} < minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            out.append(f"{path}: {value} > maximum {schema['maximum']}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            out.append(f"{path}: {value} <= {schema['exclusiveMinimum']}")
    if isinstance(value, str) and len(value) < schema.get("minLength", 0):
        out.append(f"{path}: shorter than {schema['minLength']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            out.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            out.append(f"{path}: more than {schema['maxItems']} items")
        if "items" in schema:
            for i, item in enumerate(value):
                out += errors(item, schema["items"], root, f"{path}[{i}]")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                out.append(f"{path}: missing required key '{key}'")
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                out += errors(item, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unknown key '{key}' (allowed: {', '.join(props)})")
    for sub in schema.get("allOf", []):
        out += errors(value, sub, root, path)
    if "anyOf" in schema and all(errors(value, s, root, path) for s in schema["anyOf"]):
        out.append(f"{path}: matches none of the allowed forms")
    if "oneOf" in schema and sum(not errors(value, s, root, path) for s in schema["oneOf"]) != 1:
        out.append(f"{path}: must match exactly one of the allowed forms")
    if "if" in schema and not errors(value, schema["if"], root, path) and "then" in schema:
        out += errors(value, schema["then"], root, path)
    return out


def main():
    repo = pathlib.Path(sys.argv[1])
    capbench = sys.argv[2] if len(sys.argv) > 2 else None
    schemas = {name: load(repo / "configs" / "schema" / f"{name}.schema.json") for name in SCHEMA_OF.values()}
    try:
        import jsonschema  # python3-jsonschema, where installed
    except ImportError:
        jsonschema = None
    failed = 0
    checked = 0
    for folder, name in SCHEMA_OF.items():
        for path in sorted((repo / "configs" / folder).glob("*.json")):
            doc = load(path)
            problems = errors(doc, schemas[name], schemas[name])
            if jsonschema is not None:
                problems += [f"jsonschema: {e.message}" for e in
                             jsonschema.Draft202012Validator(schemas[name]).iter_errors(doc)]
            checked += 1
            for p in problems:
                print(f"{path.relative_to(repo)}: {p}")
            failed += bool(problems)

    # Planted mistakes must be caught: a misspelt key, a wrong type, a missing key, an unknown benchmark.
    suite = load(repo / "configs" / "suites" / "smoke.json")
    mutations = {
        "misspelt case key": lambda d: d["cases"][0].update({"shape": [[1, 1, 1]]}),
        "string for a number": lambda d: d["defaults"].update({"iterations": "5"}),
        "missing schema": lambda d: d.pop("schema"),
        "unknown benchmark": lambda d: d["cases"][0].update({"benchmark": "gemmm"}),
        "shape of two": lambda d: d["cases"][0].update({"shapes": [[1, 2]]}),
        "stream key on gemm": lambda d: d["cases"][0].update({"elements": 4}),
    }
    for what, mutate in mutations.items():
        bad = copy.deepcopy(suite)
        mutate(bad)
        if not errors(bad, schemas["suite"], schemas["suite"]):
            print(f"planted mistake not caught: {what}")
            failed += 1

    if capbench:
        catalog = json.loads(subprocess.run([capbench, "list", "--json"], check=True, capture_output=True,
                                            text=True).stdout)
        common = {p["key"] for p in catalog["common"]} | {"test_slow_rank"}
        defs = schemas["suite"]["$defs"]
        listed = [b["name"] for b in catalog["benchmarks"]]
        in_schema = defs["case"]["properties"]["benchmark"]["enum"]
        if sorted(listed) != sorted(in_schema):
            print(f"suite schema benchmarks {in_schema} != capbench list {listed}")
            failed += 1
        for b in catalog["benchmarks"]:
            want = common | {p["key"] for p in b["parameters"]}
            have = set(defs.get("case_" + b["name"], {}).get("properties", {}))
            if want != have:
                print(f"suite schema keys of {b['name']} differ from capbench list: "
                      f"missing {sorted(want - have)}, extra {sorted(have - want)}")
                failed += 1
    print(f"check_configs: {checked} files, {len(mutations)} planted mistakes, "
          f"jsonschema {'used' if jsonschema else 'not installed'}: {'FAILED' if failed else 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
