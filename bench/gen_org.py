#!/usr/bin/env python3
"""Generate a large Salesforce org in SFDX source format for the metadata benchmark.

usage: python3 bench/gen_org.py OUT [--profiles 200] [--profile-mb 2.0] [--permsets 500] [--seed 1]

Profiles are what makes real orgs heavy: every field of every object gets a <fieldPermissions>
entry, so a profile of an org with a few hundred objects is 1-2 MB. Each profile here has
objectPermissions for 300 objects, fieldPermissions up to the target size, class and page
accesses, tab visibilities and a handful of userPermissions; permission sets are smaller
(20-60 KB). Every tenth profile is assigned to an integration user by a user definition file
(config/int-NNN-user-def.json), so the identity graph and the identity rules have real work.
Deterministic for a seed. Writes OUT/org.json with the counts and sizes.
"""
import argparse
import json
import os
import random

NS = "http://soap.sforce.com/2006/04/metadata"
PERMS = ["ApiEnabled", "ApiUserOnly", "ViewSetup", "ModifyAllData", "ViewAllData", "ExportReport",
         "RunReports", "EditTask", "ManageUsers", "PasswordNeverExpires", "UseAnyApiClient"]


def objects(n):
    std = ["Account", "Contact", "Opportunity", "Case", "Lead", "Order", "OrderItem", "Product2",
           "Pricebook2", "PricebookEntry", "Contract", "Campaign", "Task", "Event", "Asset"]
    return std + ["Obj%03d__c" % i for i in range(n - len(std))]


def b(v):
    return "true" if v else "false"


def object_permission(obj, rnd):
    read = rnd.random() < 0.8
    edit = read and rnd.random() < 0.5
    return (
        "    <objectPermissions>\n"
        f"        <allowCreate>{b(edit)}</allowCreate>\n"
        f"        <allowDelete>{b(edit and rnd.random() < 0.3)}</allowDelete>\n"
        f"        <allowEdit>{b(edit)}</allowEdit>\n"
        f"        <allowRead>{b(read)}</allowRead>\n"
        f"        <modifyAllRecords>{b(edit and rnd.random() < 0.05)}</modifyAllRecords>\n"
        f"        <object>{obj}</object>\n"
        f"        <viewAllRecords>{b(read and rnd.random() < 0.1)}</viewAllRecords>\n"
        "    </objectPermissions>\n")


def field_permission(obj, i, rnd):
    return (
        "    <fieldPermissions>\n"
        f"        <editable>{b(rnd.random() < 0.4)}</editable>\n"
        f"        <field>{obj}.Field_{i:04d}__c</field>\n"
        f"        <readable>true</readable>\n"
        "    </fieldPermissions>\n")


def profile(idx, target_bytes, objs, rnd):
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<Profile xmlns="{NS}">\n']
    for i in range(20):
        parts.append(f"    <applicationVisibilities>\n        <application>App{i:02d}</application>\n"
                     f"        <default>{b(i == 0)}</default>\n        <visible>true</visible>\n"
                     "    </applicationVisibilities>\n")
    for i in range(150):
        parts.append(f"    <classAccesses>\n        <apexClass>Class{i:04d}</apexClass>\n"
                     f"        <enabled>{b(rnd.random() < 0.5)}</enabled>\n    </classAccesses>\n")
    parts.append("    <custom>true</custom>\n")
    size = sum(len(p) for p in parts)
    fields = []
    i = 0
    # Fill with fieldPermissions up to the target, leaving room for the tail.
    while size < target_bytes - 120_000:
        fp = field_permission(objs[i % len(objs)], i // len(objs), rnd)
        fields.append(fp)
        size += len(fp)
        i += 1
    parts.extend(fields)
    if idx % 10 == 0:
        parts.append("    <loginIpRanges>\n        <endAddress>203.0.113.31</endAddress>\n"
                     "        <startAddress>203.0.113.0</startAddress>\n    </loginIpRanges>\n")
    parts.extend(object_permission(o, rnd) for o in objs)
    for i in range(100):
        parts.append(f"    <pageAccesses>\n        <apexPage>Page{i:04d}</apexPage>\n"
                     f"        <enabled>{b(rnd.random() < 0.5)}</enabled>\n    </pageAccesses>\n")
    for o in objs[:150]:
        parts.append(f"    <tabVisibilities>\n        <tab>{o}</tab>\n"
                     "        <visibility>DefaultOn</visibility>\n    </tabVisibilities>\n")
    license = "Salesforce Integration" if idx % 10 == 0 else "Salesforce"
    parts.append(f"    <userLicense>{license}</userLicense>\n")
    for p in sorted(rnd.sample(PERMS, 5)):
        parts.append(f"    <userPermissions>\n        <enabled>true</enabled>\n"
                     f"        <name>{p}</name>\n    </userPermissions>\n")
    parts.append("</Profile>\n")
    return "".join(parts)


def permission_set(idx, objs, rnd):
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="{NS}">\n',
             f"    <description>Generated set {idx}</description>\n",
             "    <hasActivationRequired>false</hasActivationRequired>\n",
             f"    <label>Set {idx:03d}</label>\n"]
    chosen = rnd.sample(objs, rnd.randint(20, 60))
    for o in sorted(chosen):
        for i in range(rnd.randint(2, 6)):
            parts.append(field_permission(o, i, rnd))
    parts.extend(object_permission(o, rnd) for o in sorted(chosen))
    for p in sorted(rnd.sample(PERMS, 2)):
        parts.append(f"    <userPermissions>\n        <enabled>true</enabled>\n"
                     f"        <name>{p}</name>\n    </userPermissions>\n")
    parts.append("</PermissionSet>\n")
    return "".join(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--profiles", type=int, default=200)
    ap.add_argument("--profile-mb", type=float, default=2.0)
    ap.add_argument("--permsets", type=int, default=500)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    objs = objects(300)
    base = os.path.join(a.out, "force-app", "main", "default")
    for d in ("profiles", "permissionsets"):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    os.makedirs(os.path.join(a.out, "config"), exist_ok=True)
    with open(os.path.join(a.out, "sfdx-project.json"), "w") as f:
        json.dump({"packageDirectories": [{"path": "force-app", "default": True}],
                   "sourceApiVersion": "62.0"}, f)
    total = largest = 0
    target = int(a.profile_mb * 1024 * 1024)
    for i in range(a.profiles):
        name = "Integration %03d" % i if i % 10 == 0 else "Profile %03d" % i
        text = profile(i, target, objs, rnd)
        path = os.path.join(base, "profiles", name.replace(" ", "%20") + ".profile-meta.xml")
        with open(path, "w") as f:
            f.write(text)
        total += len(text)
        largest = max(largest, len(text))
        if i % 10 == 0:
            with open(os.path.join(a.out, "config", "int-%03d-user-def.json" % i), "w") as f:
                json.dump({"Username": "int.%03d@acme.com" % i, "LastName": "Integration %03d" % i,
                           "profileName": name, "permsets": ["Set_%03d" % (i % a.permsets)]}, f,
                          indent=2)
    for i in range(a.permsets):
        text = permission_set(i, objs, rnd)
        with open(os.path.join(base, "permissionsets", "Set_%03d.permissionset-meta.xml" % i), "w") as f:
            f.write(text)
        total += len(text)
    info = {"profiles": a.profiles, "permission_sets": a.permsets, "profile_mb": a.profile_mb,
            "seed": a.seed, "bytes": total, "largest_file_bytes": largest}
    with open(os.path.join(a.out, "org.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info))


if __name__ == "__main__":
    main()
