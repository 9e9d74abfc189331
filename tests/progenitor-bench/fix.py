"""The spec fixes progenitor 0.15.1 needs to generate the vSphere 7.0.3 files, which it otherwise
refuses: operation ids unique in a file (vSphere repeats `get` and `list`), and at most one success
and one error response per operation (progenitor asserts one response type of each).

Usage: python3 fix.py <spec directory> <output directory>"""
import json
import os
import re
import sys

METHODS = ('get', 'put', 'post', 'delete', 'patch', 'head', 'options')


def fix(doc):
    seen = set()
    for path, item in doc.get('paths', {}).items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            oid = re.sub(r'[^A-Za-z0-9]+', '_', f"{method}{path}").strip('_').lower()
            while oid in seen:
                oid += '_'
            seen.add(oid)
            op['operationId'] = oid
            responses = op.get('responses', {})
            success = [k for k in responses if k.startswith('2')]
            errors = [k for k in responses if not k.startswith('2')]
            for k in success[1:] + errors[1:]:
                del responses[k]


def main(src, dst):
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if name.endswith('.json'):
            with open(os.path.join(src, name)) as f:
                doc = json.load(f)
            fix(doc)
            with open(os.path.join(dst, name), 'w') as f:
                json.dump(doc, f, indent=1)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
