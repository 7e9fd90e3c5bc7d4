"""What CloudFormation will make of template.yaml, checked offline (`make validate`, after
`sam validate --lint`): Fn::ForEach expanded as AWS::LanguageExtensions does, the SAM transform
run as `sam deploy` runs it, then every Ref and GetAtt must name a parameter, a pseudo parameter
or a resource that exists after the transform (cfn-lint cannot see resources SAM generates, such
as the schedules' dead-letter queues), no resource may depend on itself through others (a
circular reference CloudFormation refuses at deploy time, which neither tool reports), and the
stack must stay under CloudFormation's limit of 500 resources. Run with the SAM CLI's Python
(.tools/venv)."""

import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

PSEUDO = {"AWS::AccountId", "AWS::NoValue", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region",
          "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}


class NoManagedPolicies:
    """The template uses inline policies only, so no managed policy needs looking up."""

    def load(self):
        return {}


def expand_for_each(resources):
    for key in [key for key in resources if key.startswith("Fn::ForEach::")]:
        identifier, names, body = resources.pop(key)
        for name in names:
            resources.update(json.loads(json.dumps(body).replace("${%s}" % identifier, name)))


def references(value, found):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "Ref" and isinstance(item, str):
                found.add(item)
            elif key == "Fn::GetAtt":
                target = item[0] if isinstance(item, list) else item.split(".")[0]
                found.add(target)
            elif key == "Fn::Sub":
                text, variables = (item[0], item[1]) if isinstance(item, list) else (item, {})
                for part in text.split("${")[1:]:
                    name = part.split("}")[0].split(".")[0]
                    if not name.startswith("!") and name not in variables:
                        found.add(name)
            references(item, found)
    elif isinstance(value, list):
        for item in value:
            references(item, found)


def cycle(resources):
    """A circular chain of resources (each referring to or depending on the next), or None."""
    edges = {}
    for name, resource in resources.items():
        found = set()
        references({k: v for k, v in resource.items() if k != "DependsOn"}, found)
        depends = resource.get("DependsOn", [])
        found.update([depends] if isinstance(depends, str) else depends)
        edges[name] = sorted(found & set(resources))
    state, path = {}, []

    def visit(name):
        state[name] = "open"
        path.append(name)
        for after in edges[name]:
            if state.get(after) == "open":
                return path[path.index(after):] + [after]
            if after not in state:
                found = visit(after)
                if found:
                    return found
        state[name] = "done"
        path.pop()
        return None

    for name in sorted(resources):
        if name not in state:
            found = visit(name)
            if found:
                return found
    return None


def main(path):
    template = yaml_parse(open(path).read())
    expand_for_each(template["Resources"])
    template["Transform"] = "AWS::Serverless-2016-10-31"
    for resource in template["Resources"].values():
        if resource.get("Type") == "AWS::Serverless::Function":
            # `sam deploy` uploads the zip and puts its S3 location here.
            resource["Properties"]["CodeUri"] = "s3://bucket/" + resource["Properties"]["CodeUri"]
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    parameters = {"JwtIssuer": "https://issuer.example.com", "JwtAudience": "client"}
    output = transform(template, parameters, NoManagedPolicies())
    resources = output["Resources"]
    known = set(resources) | set(output.get("Parameters", {})) | PSEUDO
    found = set()
    references(output, found)
    missing = sorted(found - known)
    if missing:
        sys.exit(f"{path}: references to nothing after the SAM transform: {', '.join(missing)}")
    circular = cycle(resources)
    if circular:
        sys.exit(f"{path}: circular reference: {' -> '.join(circular)}")
    if len(resources) > 500:
        sys.exit(f"{path}: {len(resources)} resources, over CloudFormation's 500")
    print(f"{path}: {len(resources)} resources after the SAM transform, every reference resolves, no cycle")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "template.yaml")
