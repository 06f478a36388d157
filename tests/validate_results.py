#!/usr/bin/python3
"""Validate gdbench result files against results/schema.json (Debian's python3-jsonschema).

Usage: validate_results.py SCHEMA FILE... [--self-test]
--self-test also breaks copies of the first file in ways the schema must catch
(missing fields, values outside their enums, wrong types) and fails if any passes.
"""
import copy
import json
import sys

from jsonschema import Draft202012Validator


def main(argv):
    self_test = '--self-test' in argv
    args = [a for a in argv[1:] if a != '--self-test']
    schema = json.load(open(args[0]))
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    bad = 0
    for path in args[1:]:
        doc = json.load(open(path))
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:5]:
            print(f'{path}: {"/".join(map(str, e.path))}: {e.message}')
        bad += bool(errors)
        print(f'{path}: {"INVALID" if errors else "valid"} ({len(doc.get("runs", []))} runs)')
    if self_test and len(args) > 1:
        doc = json.load(open(args[1]))
        breakers = {
            'no summary': lambda d: d['runs'][0].pop('summary'),
            'unknown mode': lambda d: d['runs'][0].__setitem__('mode', 'turbo'),
            'empty trace': lambda d: d['runs'][0].__setitem__('trace', []),
            'isa as number': lambda d: d['context'].__setitem__('isa', 5),
            'wrong schema name': lambda d: d.__setitem__('schema', 'other'),
            'negative train time': lambda d: d['runs'][0]['timing'].__setitem__('train_s', -1.0),
            'unknown stop reason': lambda d: d['runs'][0]['summary'].__setitem__('stop_reason', 'bored'),
            'accuracy above 1': lambda d: d['runs'][0]['trace'][0].__setitem__('test_accuracy', 1.5),
        }
        for name, breaker in breakers.items():
            broken = copy.deepcopy(doc)
            breaker(broken)
            caught = not v.is_valid(broken)
            print(f'self-test: {name}: {"caught" if caught else "NOT CAUGHT"}')
            bad += not caught
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
