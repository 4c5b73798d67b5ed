#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Validates every manifest of examples/kubernetes/ offline, against real schemas.

- FenceAgentsRemediationTemplate and NodeHealthCheck: the openAPIV3Schema of
  the CRDs in schemas/ (copied from the operators' repositories, origin in
  schemas/README.md), checked with python3-jsonschema (Debian).
- Core objects (ConfigMap, Namespace, DaemonSet, Deployment, StatefulSet,
  StorageClass, PersistentVolumeClaim) and every object's metadata: the
  Kubernetes API types as python3-kubernetes (Debian, generated from the
  Kubernetes OpenAPI specification) describes them, turned into a JSON
  schema and checked with python3-jsonschema.
Both strictly: a field the schema does not know is an error (the API server's
strict field validation), where the API server would drop it silently.
Then what no schema says: the ConfigMap and the FAR template give the same
devices and key map, the template names every node of the map, its
parameters are the agent's (from `fence_nvme_pr --action=metadata`), the
NodeHealthCheck points at the template.

Usage: validate.py [--agent PATH_TO_fence_nvme_pr] [--self-test]
--self-test also checks that broken copies of the manifests are refused.
Exit 0 if all is valid, 1 otherwise (one line per problem).
"""
import copy
import glob
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import jsonschema
import kubernetes.client
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMAS = os.path.join(HERE, "schemas")

# apiVersion, kind -> python3-kubernetes class
CORE_KINDS = {
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Namespace"): "V1Namespace",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("apps/v1", "DaemonSet"): "V1DaemonSet",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("apps/v1", "StatefulSet"): "V1StatefulSet",
    ("storage.k8s.io/v1", "StorageClass"): "V1StorageClass",
}
# Files that are patches (kubectl patch --patch-file): every field is checked,
# required ones are not (a patch gives only what it changes).
PATCHES = {"far-manager-patch.yaml"}


def model_schema(type_name, required_checks, cache):
    """A JSON schema for a python3-kubernetes type name ('V1Container',
    'list[V1EnvVar]', 'dict(str, str)', 'str', ...)."""
    simple = {
        "str": {"type": "string"},
        "int": {"type": "integer"},
        "float": {"type": "number"},
        "bool": {"type": "boolean"},
        "datetime": {"type": "string"},
        "date": {"type": "string"},
        "object": {"type": ["integer", "string"]},  # IntOrString, the only 'object' in these types
    }
    if type_name in simple:
        return simple[type_name]
    m = re.fullmatch(r"list\[(.+)\]", type_name)
    if m:
        return {"type": "array", "items": model_schema(m.group(1), required_checks, cache)}
    m = re.fullmatch(r"dict\(str, (.+)\)", type_name)
    if m:
        return {"type": "object", "additionalProperties": model_schema(m.group(1), required_checks, cache)}
    key = (type_name, required_checks)
    if key in cache:
        return {"$ref": "#/definitions/" + cache[key]}
    name = type_name + ("" if required_checks else "-patch")
    cache[key] = name
    klass = getattr(kubernetes.client, type_name)
    properties = {}
    required = []
    for attr, attr_type in klass.openapi_types.items():
        json_name = klass.attribute_map[attr]
        properties[json_name] = model_schema(attr_type, required_checks, cache)
        if required_checks and is_required(klass, attr):
            required.append(json_name)
    cache.setdefault("__definitions__", {})[name] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }
    return {"$ref": "#/definitions/" + name}


def is_required(klass, attr):
    # The generated setters refuse None for required fields.
    obj = klass.__new__(klass)
    obj.local_vars_configuration = kubernetes.client.Configuration()
    try:
        setattr(obj, attr, None)
    except ValueError:
        return True
    return False


def core_schema(class_name, required_checks):
    cache = {}
    root = model_schema(class_name, required_checks, cache)
    root = dict(root)
    root["definitions"] = cache["__definitions__"]
    return root


def strict_crd_schema(schema):
    """The CRD's structural schema, made strict where the API server prunes,
    and its Kubernetes extensions spelled in JSON schema."""
    s = {k: v for k, v in schema.items() if not k.startswith("x-kubernetes-validations")}
    if schema.get("x-kubernetes-int-or-string"):
        s.pop("type", None)
        s["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if schema.get("nullable"):
        if "type" in s:
            s["type"] = [s["type"], "null"]
    if "properties" in s:
        s["properties"] = {k: strict_crd_schema(v) for k, v in s["properties"].items()}
        if "additionalProperties" not in s and not schema.get("x-kubernetes-preserve-unknown-fields"):
            s["additionalProperties"] = False
    if isinstance(s.get("additionalProperties"), dict):
        s["additionalProperties"] = strict_crd_schema(s["additionalProperties"])
    if "items" in s:
        s["items"] = strict_crd_schema(s["items"])
    for k in ("allOf", "anyOf", "oneOf"):
        if k in schema:
            s[k] = [strict_crd_schema(x) for x in schema[k]]
    return s


def load_crds():
    crds = {}
    for path in glob.glob(os.path.join(SCHEMAS, "*.yaml")):
        with open(path) as f:
            crd = yaml.safe_load(f)
        group = crd["spec"]["group"]
        kind = crd["spec"]["names"]["kind"]
        for version in crd["spec"]["versions"]:
            if version.get("served"):
                schema = version["schema"]["openAPIV3Schema"]
                rules = len(re.findall(r"'?rule'?:", yaml.safe_dump(schema)))
                crds[(group + "/" + version["name"], kind)] = (os.path.basename(path), schema, rules)
    return crds


def errors_of(schema, doc):
    validator = jsonschema.Draft7Validator(schema)
    return sorted(
        "/".join(str(p) for p in e.absolute_path) + ": " + e.message for e in validator.iter_errors(doc)
    )


def validate_doc(doc, filename, crds, problems, notes):
    api, kind = doc.get("apiVersion"), doc.get("kind")
    name = "%s %s %s" % (filename, kind, (doc.get("metadata") or {}).get("name"))
    patch = filename in PATCHES
    if (api, kind) in CORE_KINDS:
        errors = errors_of(core_schema(CORE_KINDS[(api, kind)], not patch), doc)
        source = "python3-kubernetes " + CORE_KINDS[(api, kind)] + (" (as a patch)" if patch else "")
    elif (api, kind) in crds:
        crd_file, schema, rules = crds[(api, kind)]
        errors = errors_of(strict_crd_schema(schema), doc)
        errors += ["metadata/" + e for e in errors_of(core_schema("V1ObjectMeta", True), doc.get("metadata", {}))]
        source = crd_file
        if rules:
            source += " (%d CEL rule(s) not evaluated)" % rules
    else:
        problems.append("%s: no schema for apiVersion %s kind %s" % (name, api, kind))
        return
    for e in errors:
        problems.append("%s: %s" % (name, e))
    notes.append("%s: %s against %s" % ("ok" if not errors else "INVALID", name, source))


def agent_parameters(agent):
    out = subprocess.run([agent, "--action=metadata"], check=True, capture_output=True, text=True).stdout
    return {p.get("name") for p in ET.fromstring(out).iter("parameter")}


def cross_checks(docs, agent, problems):
    by_kind = {}
    for _, doc in docs:
        by_kind.setdefault(doc["kind"], []).append(doc)
    config = by_kind["ConfigMap"][0]["data"]
    far = by_kind["FenceAgentsRemediationTemplate"][0]
    spec = far["spec"]["template"]["spec"]
    shared = spec.get("sharedparameters", {})
    if shared.get("--key-map") != config["KEY_MAP"]:
        problems.append("far-template.yaml: --key-map differs from the ConfigMap's KEY_MAP")
    if shared.get("--devices") != config["DEVICES"]:
        problems.append("far-template.yaml: --devices differs from the ConfigMap's DEVICES")
    map_nodes = {entry.rsplit(":", 1)[0] for entry in re.split(r"[,; ]+", config["KEY_MAP"]) if entry}
    plug = spec.get("nodeparameters", {}).get("--plug", {})
    if set(plug) != map_nodes or any(plug[n] != n for n in plug):
        problems.append("far-template.yaml: nodeparameters --plug must name every node of the key map, itself")
    if shared.get("--action") not in ("off", "reboot"):
        problems.append("far-template.yaml: FAR accepts only the actions off and reboot")
    nhc = by_kind["NodeHealthCheck"][0]["spec"]["remediationTemplate"]
    if (nhc["kind"], nhc["name"], nhc["namespace"]) != (far["kind"], far["metadata"]["name"],
                                                        far["metadata"]["namespace"]):
        problems.append("nodehealthcheck.yaml: remediationTemplate does not point at the FAR template")
    if agent:
        known = agent_parameters(agent)
        used = [p for p in list(shared) + list(spec.get("nodeparameters", {}))]
        for ds in by_kind["DaemonSet"]:
            for c in ds["spec"]["template"]["spec"]["initContainers"]:
                used += [a.split("=", 1)[0] for a in c.get("args", []) if a.startswith("--")]
        for p in used:
            if p.lstrip("-").replace("-", "_") not in known:
                problems.append("parameter %s is not one of fence_nvme_pr's (its metadata)" % p)


def load_docs():
    docs = []
    for path in sorted(glob.glob(os.path.join(HERE, "*.yaml"))):
        with open(path) as f:
            for doc in yaml.safe_load_all(f):
                if doc:
                    docs.append((os.path.basename(path), doc))
    return docs


def check(docs, crds, agent):
    problems, notes = [], []
    for filename, doc in docs:
        validate_doc(doc, filename, crds, problems, notes)
    cross_checks(docs, agent, problems)
    return problems, notes


def self_test(docs, crds):
    """Broken copies must be refused: each mutation must give a problem."""
    def mutate(kind, change):
        broken = copy.deepcopy(docs)
        for _, doc in broken:
            if doc["kind"] == kind:
                change(doc)
                return broken
        raise AssertionError(kind)

    cases = {
        "unknown container field": mutate("DaemonSet", lambda d: d["spec"]["template"]["spec"]["containers"][0]
                                          .update(privilegd=True)),
        "container without a name": mutate("StatefulSet", lambda d: d["spec"]["template"]["spec"]
                                                  ["containers"][0].pop("name")),
        "retrycount as text": mutate("FenceAgentsRemediationTemplate", lambda d: d["spec"]["template"]["spec"]
                                     .update(retrycount="five")),
        "unknown FAR field": mutate("FenceAgentsRemediationTemplate", lambda d: d["spec"]["template"]["spec"]
                                    .update(nodeParameters={})),
        "bad remediation strategy": mutate("FenceAgentsRemediationTemplate", lambda d: d["spec"]["template"]
                                           ["spec"].update(remediationStrategy="Reboot")),
        "NHC condition without duration": mutate("NodeHealthCheck", lambda d: d["spec"]["unhealthyConditions"][0]
                                                 .pop("duration")),
        "key maps differ": mutate("ConfigMap", lambda d: d["data"].update(KEY_MAP="worker-1:0x1")),
        "PVC access mode as a string": mutate("PersistentVolumeClaim", lambda d: d["spec"]
                                              .update(accessModes="ReadWriteMany")),
    }
    failed = 0
    for what, broken in cases.items():
        problems, _ = check(broken, crds, None)
        print("self-test: %s -> %s" % (what, ("refused: " + problems[0]) if problems else "NOT REFUSED"))
        failed += not problems
    return len(cases) - failed, failed


def main():
    args = sys.argv[1:]
    agent = args[args.index("--agent") + 1] if "--agent" in args else None
    crds = load_crds()
    docs = load_docs()
    problems, notes = check(docs, crds, agent)
    for n in notes:
        print(n)
    for p in problems:
        print("error: " + p)
    passed = sum(n.startswith("ok") for n in notes)
    failed = len(problems)
    if "--self-test" in args:
        self_passed, self_failed = self_test(docs, crds)
        passed += self_passed
        failed += self_failed
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
