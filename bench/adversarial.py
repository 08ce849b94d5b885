#!/usr/bin/env python3
"""Times intguard on inputs shaped to find work that grows faster than the input.

Each case is one small tree (a Mule app, sometimes with Salesforce metadata) that pushes one
dimension far past real projects: 100,000 attributes on one element, a 3 MB SOQL query, 30,000
Salesforce operations, a 30 MB profile, ... A case whose time is out of line with its size (more
than --budget seconds; a few MB take well under a second) points at a loop over everything
before it, the kind of bug stop 36 fixed nine times. Run it after changing a reader or a rule:

    cargo build --release -p intguard-cli
    python3 bench/adversarial.py target/release/intguard            # every case
    python3 bench/adversarial.py target/release/intguard long-soql  # some cases

Prints size, wall time and peak RSS per case and command (`scan`; `identities` and `fix
permissions --dry-run` for the cases with metadata; `fix secrets --dry-run` for those with many
plaintext secrets; `fix jwt --dry-run` for many connections), and exits 1 when a case exceeds the
budget. Timings are for reading, not for CI: the trees are generated in a temporary folder and
deleted.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

MULE = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<mule xmlns="http://www.mulesoft.org/schema/mule/core"'
    ' xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce"'
    ' xmlns:http="http://www.mulesoft.org/schema/mule/http"'
    ' xmlns:ee="http://www.mulesoft.org/schema/mule/ee/core">\n'
)
SF_CONFIG = (
    '<salesforce:sfdc-config name="SF"><salesforce:jwt-connection principal="int@acme.com"'
    ' consumerKey="k" keyStoreConfig="x"/></salesforce:sfdc-config>'
)
PROFILE_PATH = "sf/force-app/main/default/profiles/Int.profile-meta.xml"


def profile(objects, fields):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Profile xmlns="http://soap.sforce.com/2006/04/metadata">'
        + "".join(
            f"<fieldPermissions><editable>true</editable><field>Obj{i % objects}__c.F{i}__c</field>"
            "<readable>true</readable></fieldPermissions>"
            for i in range(fields)
        )
        + "".join(
            "<objectPermissions><allowCreate>true</allowCreate><allowDelete>true</allowDelete>"
            "<allowEdit>true</allowEdit><allowRead>true</allowRead><modifyAllRecords>true"
            f"</modifyAllRecords><object>Obj{i}__c</object><viewAllRecords>true</viewAllRecords>"
            "</objectPermissions>"
            for i in range(objects)
        )
        + "<userLicense>Salesforce Integration</userLicense></Profile>\n"
    )


def permission_set(i, objects):
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata"><label>PS{i}</label>'
        + "".join(
            "<objectPermissions><allowCreate>true</allowCreate><allowDelete>false</allowDelete>"
            "<allowEdit>true</allowEdit><allowRead>true</allowRead><modifyAllRecords>false"
            f"</modifyAllRecords><object>Obj{(i * 7 + j) % 5000}__c</object><viewAllRecords>false"
            "</viewAllRecords></objectPermissions>"
            for j in range(objects)
        )
        + "<userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions>"
        "</PermissionSet>\n"
    )


def flow(body):
    return {"src/main/mule/a.xml": MULE + body + "</mule>\n"}


def cases():
    """name -> (files under the app folder, the command timed besides `scan`: None, "identities"
    (`identities` and `fix permissions --dry-run`), "fix" (`fix secrets --dry-run`) or "jwt"
    (`fix jwt --dry-run`))."""
    n = 100_000
    deep = "${" * 50_000 + "x" + "}" * 50_000
    calls = "#[p('" * 20_000 + "x" + "')]" * 20_000
    yield "many-attrs", flow(
        '<flow name="f"><logger ' + " ".join(f'a{i}="${{p{i}}}"' for i in range(n)) + "/></flow>"
    ), None
    yield "many-ns", flow(
        '<flow name="f">'
        + "".join(f'<logger xmlns:n{i}="urn:x{i}" message="m"/>' for i in range(20_000))
        + "<sub " + " ".join(f'xmlns:q{i}="urn:q{i}"' for i in range(20_000)) + ">"
        + '<logger message="x"/>' * 20_000 + "</sub></flow>"
    ), None
    yield "deep-flow", flow(
        '<flow name="f">' + '<choice><when expression="#[true]">' * 5_000 + '<logger message="x"/>'
        + "</when></choice>" * 5_000 + "</flow>"
    ), None
    # Also moved by fix secrets: each of the 100,000 values was matched to its attribute by
    # walking all of them, and located by counting the one line's characters up to it.
    yield "many-secrets", flow(
        '<flow name="f">' + '<set-variable variableName="apiPassword" value="hunter2x"/>' * n + "</flow>"
    ), "fix"
    yield "many-requests", flow(
        "".join(
            f'<http:request-config name="R{i}"><http:request-connection host="h{i}.example.com"'
            ' port="80" protocol="HTTP"/></http:request-config>'
            for i in range(20_000)
        )
        + '<flow name="f">'
        + "".join(f'<http:request config-ref="R{i}" method="GET" path="/x"/>' for i in range(20_000))
        + "</flow>"
    ), None
    yield "nested-refs", {
        **flow(
            '<configuration-properties file="dev.yaml"/>'
            f'<global-property name="a" value="{deep}"/><global-property name="b" value="{calls}"/>'
            f'<salesforce:sfdc-config name="S"><salesforce:basic-connection username="{deep}"'
            f' password="{calls}"/></salesforce:sfdc-config>'
        ),
        "src/main/resources/dev.yaml": f'x: "{deep}"\npassword: "{calls}"\n',
    }, None
    # Distinct nested names (`${${mule.env}.pN}`), each a pattern over every
    # key: matched one by one for a few hundred only.
    nested_keys = 60_000
    yield "many-nested-names", {
        **flow('<configuration-properties file="dev.yaml"/>'),
        "src/main/resources/dev.yaml": "".join(
            f'k{i}:\n  password: "${{${{mule.env}}.p{i}}}"\n' for i in range(nested_keys)
        ),
    }, None
    chain = 200_000
    yield "chained-keys", {
        **flow(
            '<configuration-properties file="dev.yaml"/>'
            + "".join(f'<global-property name="g{i}" value="${{key{i * 1000}.sub}}"/>' for i in range(200))
        ),
        "src/main/resources/dev.yaml": "".join(
            f'key{i}:\n  sub: "v-${{key{(i + 1) % chain}.sub}}"\n' for i in range(chain)
        ),
    }, None
    yield "wide-yaml", {
        **flow(
            '<configuration-properties file="dev.yaml"/>'
            + "".join(f'<global-property name="g{i}" value="${{k{i}}}"/>' for i in range(20_000))
        ),
        "src/main/resources/dev.yaml": "".join(f'k{i}: "v{i}"\n' for i in range(300_000)),
    }, None
    # A secret written over 200,000 lines (a block scalar and a folded one):
    # each line is a piece the output masks (stop 40), found one after the
    # other, not each in the whole value.
    yield "long-yaml-value", {
        **flow('<configuration-properties file="dev.yaml"/>'),
        "src/main/resources/dev.yaml": "sfdc:\n  password: |\n"
        + "".join(f"    line{i:06d} x\n" for i in range(100_000))
        + "  token: 'first\n"
        + "".join(f"    fold{i:06d}\n" for i in range(100_000))
        + "    last'\n",
    }, None
    envs = {f"src/main/resources/e{i}.yaml": f'sfdc:\n  username: "u{i}@a.com"\n' for i in range(400)}
    envs.update(flow(
        '<configuration-properties file="e${env}.yaml"/><salesforce:sfdc-config name="SF">'
        '<salesforce:basic-connection username="${sfdc.username}" password="${sfdc.password}"/>'
        "</salesforce:sfdc-config>"
    ))
    yield "many-envs", envs, None
    yield "many-tokens", {
        "scripts/a.sh": "".join(
            f'export SF_TOKEN{i}="00D5g000004ABCD!AQ{"x" * 80}{i}"\n' for i in range(50_000)
        )
    }, None
    yield "many-options", {
        "scripts/a.sh": "java " + " ".join(f"-Dkey{i}=value{i}" for i in range(200_000)) + " -jar x.jar\n"
    }, None
    yield "one-line", {"docs/a.md": "x" * 8_000_000 + " password=hunter22 " + "y" * 8_000_000}, None
    yield "many-pem", {
        "keys/a.pem": "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA"
        "u1SU1LfVLPHCozMx\n-----END PRIVATE KEY-----\n" * 50_000
    }, None
    yield "big-dataweave", {
        "src/main/resources/dwl/a.dwl": "%dw 2.0\noutput application/json\n---\n{"
        + ",".join(f'k{i}: p("prop{i}")' for i in range(200_000)) + "}\n",
        **flow(
            '<flow name="f"><ee:transform><ee:message><ee:set-payload resource="dwl/a.dwl"/>'
            "</ee:message></ee:transform></flow>"
        ),
    }, None
    yield "long-soql", {
        **flow(
            SF_CONFIG + '<flow name="f"><salesforce:query config-ref="SF"><salesforce:salesforce-query>SELECT '
            + ", ".join(f"F{i}__c" for i in range(200_000)) + " FROM Account WHERE "
            + " AND ".join(f"F{i}__c = 1" for i in range(50_000))
            + "</salesforce:salesforce-query></salesforce:query></flow>"
        ),
        PROFILE_PATH: profile(10, 10),
    }, "identities"
    # Fields read through relationships, each path deep and distinct: what
    # each hop reads through it is indexed once, not searched per hop.
    yield "long-soql-paths", {
        **flow(
            SF_CONFIG + '<flow name="f"><salesforce:query config-ref="SF"><salesforce:salesforce-query>SELECT '
            + ", ".join(f"Account.Owner.F{i}__c, Parent{i % 500}__r.G{i}__c" for i in range(50_000))
            + " FROM Contact"
            + "</salesforce:salesforce-query></salesforce:query></flow>"
        ),
        PROFILE_PATH: profile(10, 10),
    }, "identities"
    # A payload script with 200,000 keys (inline, and in a file of the app)
    # feeding 10,000 creates each that keep it (`target`): read once per
    # payload, at most 1,000 fields kept, one list shared by the writes.
    keys = ",".join(f"F{i}__c: r.f{i}" for i in range(200_000))
    yield "long-writes", {
        "src/main/resources/dwl/w.dwl": "%dw 2.0\noutput application/java\n---\npayload map (r) -> {"
        + keys + "}\n",
        **flow(
            SF_CONFIG + '<flow name="f"><ee:transform><ee:message><ee:set-payload><![CDATA[%dw 2.0\n'
            "output application/java\n---\npayload map (r) -> {" + keys + "}]]></ee:set-payload>"
            "</ee:message></ee:transform>"
            + "".join(
                f'<salesforce:create config-ref="SF" type="Obj{i % 50}__c" target="r{i}"/>'
                for i in range(10_000)
            )
            + '</flow><flow name="g"><ee:transform><ee:message><ee:set-payload resource="dwl/w.dwl"/>'
            "</ee:message></ee:transform>"
            + "".join(
                f'<salesforce:upsert config-ref="SF" objectType="Obj{i % 50}__c"'
                f' externalIdFieldName="Key{i}__c" target="r{i}"/>'
                for i in range(10_000)
            )
            + "</flow>"
        ),
        PROFILE_PATH: profile(10, 10),
    }, "identities"
    # The same with the forms read since stop 47: conditional entries,
    # relationships (their lookup field), and a long `else if` chain (read
    # to a fixed depth, each level once).
    entries = ",".join(
        f"(F{i}__c: r.f{i}) if (r.f{i} != null), R{i}__r: {{Ext__c: r.e{i}}}" for i in range(100_000)
    )
    chain = " else ".join(f"if (r.k == {i}) {{C{i}__c: {i}}}" for i in range(50_000)) + " else {Z__c: 0}"
    yield "conditional-writes", {
        "src/main/resources/dwl/c.dwl": "%dw 2.0\noutput application/java\n---\npayload map (r) -> "
        + chain + "\n",
        **flow(
            SF_CONFIG + '<flow name="f"><ee:transform><ee:message><ee:set-payload><![CDATA[%dw 2.0\n'
            "output application/java\n---\npayload map (r) -> do { var x = 1 --- {" + entries + "} }]]>"
            "</ee:set-payload></ee:message></ee:transform>"
            + "".join(
                f'<salesforce:create config-ref="SF" type="Obj{i % 50}__c" target="r{i}"/>'
                for i in range(5_000)
            )
            + '</flow><flow name="g"><ee:transform><ee:message><ee:set-payload resource="dwl/c.dwl"/>'
            "</ee:message></ee:transform>"
            + "".join(
                f'<salesforce:update config-ref="SF" type="Obj{i % 50}__c" target="r{i}"/>'
                for i in range(5_000)
            )
            + "</flow>"
        ),
        PROFILE_PATH: profile(10, 10),
    }, "identities"
    yield "many-operations", {
        **flow(
            SF_CONFIG + '<flow name="f">'
            + "".join(
                '<salesforce:query config-ref="SF"><salesforce:salesforce-query>SELECT Id, '
                f"F{i}__c, Parent__r.Name, Other__r.Name FROM Obj{i % 5000}__c WHERE Id = :x"
                "</salesforce:salesforce-query></salesforce:query>"
                for i in range(30_000)
            )
            + "</flow>"
        ),
        PROFILE_PATH: profile(5_000, 20_000),
    }, "identities"
    yield "unread-queries", {
        **flow(
            SF_CONFIG + '<flow name="f">'
            + "".join(
                '<salesforce:query config-ref="SF"><salesforce:salesforce-query>SELECT (((( FROM'
                f" WHERE {i}</salesforce:salesforce-query></salesforce:query>"
                for i in range(30_000)
            )
            + "</flow>"
        ),
        PROFILE_PATH: profile(10, 10),
    }, "identities"
    yield "shared-user", shared_user_apps, None
    yield "shared-domain", domain_apps, "identities"
    yield "big-profile", {PROFILE_PATH: profile(20_000, 200_000)}, "identities"
    sets = {
        f"sf/force-app/main/default/permissionsets/PS{i}.permissionset-meta.xml": permission_set(i, 50)
        for i in range(2_000)
    }
    sets["sf/config/int-user-def.json"] = (
        '{"Username":"int@acme.com","profileName":"Minimum Access - API Only Integrations",'
        '"permsets":[' + ",".join(f'"PS{i}"' for i in range(2_000)) + "]}"
    )
    yield "many-permission-sets", sets, "identities"
    # Every folder's `.gitignore` different (none shares a compiled matcher), and a chain of
    # nested ones that each entry below is asked through, as the walker asks its own.
    yield "many-gitignores", {
        f"part-{i:04d}/.gitignore": "".join(
            f"*.tmp{i}-{j}\nbuild{i}-{j}/\n**/cache{i}-{j}/**\n!keep{i}-{j}.tmp{i}-{j}\n" for j in range(5)
        ) + f"/anchored-{i}\n"
        for i in range(3_000)
    } | {f"part-{i:04d}/notes.txt": "x\n" for i in range(3_000)}, None
    yield "deep-gitignores", {
        "/".join(f"d{k}" for k in range(depth)) + "/.gitignore": f"*.skip{depth}\nskipped-{depth}/\n!keep.skip{depth}\n"
        for depth in range(1, 300)
    } | {
        "/".join(f"d{k}" for k in range(depth)) + f"/file{depth}.txt": "x\n" for depth in range(1, 300)
    }, None
    yield "committed-binaries", committed_binaries, None
    yield "many-identity-hints", identity_hint_apps, None
    yield "users-times-sets", users_and_sets, "identities"
    yield "apps-times-users", apps_and_users, None
    # Ten definitions each reading the next twenty times: 20^9 references if followed.
    yield "multiplying-refs", {
        **flow(
            '<configuration-properties file="dev.yaml"/>'
            '<salesforce:sfdc-config name="S"><salesforce:basic-connection username="${l0}"'
            ' password="${l0}"/></salesforce:sfdc-config>'
        ),
        "src/main/resources/dev.yaml": "".join(
            f'l{i}: "' + f"${{l{i + 1}}}" * 20 + '"\n' for i in range(9)
        ) + 'l9: "lol"\n',
    }, None
    # Eight placeholders in file patterns and in a nested reference, against a 60-character
    # file name and key that do not match: every split tried is 60^8.
    eight = "${a}${b}${c}${d}${e}${f}${g}${h}"
    yield "many-pattern-captures", {
        **flow(
            f'<configuration-properties file="{eight}x.yaml"/>'
            f'<secure-properties:config xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties"'
            f' name="SP" file="{eight}y.yaml" key="${{k}}"/>'
            f'<configuration-properties file="dev.yaml"/>'
            f'<salesforce:sfdc-config name="S"><salesforce:basic-connection username="int@acme.com"'
            f' password="${{{eight}x}}"/></salesforce:sfdc-config>'
        ),
        "src/main/resources/dev.yaml": "a" * 60 + ': "v"\nk: "1234567890123456"\n',
        "src/main/resources/" + "a" * 60 + ".yaml": 'p: "v"\n',
    }, None
    # 2,000 secure-properties configs, each with its key and its file (IG104 tries keys per
    # config, IG108 finds each file's config), and 2,000 connections reading 4,000 secret
    # properties (IG107 names each one's users).
    yield "many-secure-configs", {
        **flow(
            "".join(
                f'<secure-properties:config xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties"'
                f' name="S{i}" file="s{i}.yaml" key="key{i:012d}abcd"><secure-properties:encrypt algorithm="AES"/>'
                "</secure-properties:config>"
                for i in range(2_000)
            )
            + '<configuration-properties file="dev.yaml"/>'
            + "".join(
                f'<salesforce:sfdc-config name="SF{i}"><salesforce:basic-connection username="int{i}@acme.com"'
                f' password="${{sf{i}.password}}" securityToken="${{sf{i}.token}}"/></salesforce:sfdc-config>'
                for i in range(2_000)
            )
        ),
        **{f"src/main/resources/s{i}.yaml": f'v{i}: "![q2tFvfwFCqXKJxDOHEL1Zg==]"\n' for i in range(2_000)},
        "src/main/resources/dev.yaml": "".join(
            f'sf{i}:\n  password: "Pw{i:05d}secret"\n  token: "Tok{i:05d}abcdefgh"\n' for i in range(2_000)
        ),
    }, None
    # DataWeave objects nested 100,000 deep (a 400 KB script).
    yield "nested-dataweave", flow(
        '<flow name="f"><ee:transform><ee:message><ee:set-payload><![CDATA[%dw 2.0\n'
        "output application/java\n---\n" + "{a: " * 100_000 + "{password: p('sf.password')}"
        + "}" * 100_000 + "]]></ee:set-payload></ee:message></ee:transform></flow>"
    ), None
    yield "many-plain-secrets", {
        "src/main/resources/config.properties": "".join(f"svc{i}.password=Plain{i}Secret\n" for i in range(3_000)),
        "src/main/mule/global.xml": MULE.replace("</mule>", "")
        + '<configuration-properties file="config.properties"/>'
        + '<salesforce:sfdc-config name="SF"><salesforce:basic-connection username="int@acme.com"'
        + ' password="${svc0.password}" securityToken="${svc1.password}"/></salesforce:sfdc-config>'
        + "</mule>\n",
    }, "fix"
    # 3,000 secrets of one YAML mapping moved into one secure file: each new key goes under
    # the mapping the first one made (the file's structure was read again for each).
    yield "many-nested-secrets", {
        "src/main/resources/config.yaml": "secrets:\n"
        + "".join(f'  svc{i}:\n    password: "Plain{i}Secret"\n' for i in range(3_000)),
        "src/main/resources/config-secure.yaml": "# moved here by intguard fix secrets\n",
        "src/main/mule/global.xml": MULE.replace(
            " xmlns:ee=",
            ' xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties" xmlns:ee=',
        )
        + '<configuration-properties file="config.yaml"/>'
        + '<secure-properties:config name="SP" file="config-secure.yaml" key="${mule.key}">'
        + '<secure-properties:encrypt algorithm="AES" mode="CBC"/></secure-properties:config>'
        + '<salesforce:sfdc-config name="SF"><salesforce:basic-connection username="int@acme.com"'
        + ' password="${secrets.svc0.password}" securityToken="${secrets.svc1.password}"/></salesforce:sfdc-config>'
        + "</mule>\n",
    }, "fix"
    # 20,000 values written in clear in a secure file, each encrypted in place: every line of
    # the file changes, and the dry run's diff had no line to anchor on (12 s before stop 78).
    yield "many-clear-in-secure", {
        "src/main/resources/secure.yaml": "".join(
            f'svc{i}.password: "Clear{i}Secret"\n' for i in range(20_000)
        ),
        "src/main/mule/global.xml": MULE.replace(
            " xmlns:ee=",
            ' xmlns:secure-properties="http://www.mulesoft.org/schema/mule/secure-properties" xmlns:ee=',
        )
        + '<secure-properties:config name="SP" file="secure.yaml" key="${mule.key}">'
        + '<secure-properties:encrypt algorithm="AES" mode="CBC"/></secure-properties:config>'
        + '<salesforce:sfdc-config name="SF"><salesforce:basic-connection username="int@acme.com"'
        + ' password="${secure::svc0.password}" securityToken="${secure::svc1.password}"/>'
        + "</salesforce:sfdc-config></mule>\n",
    }, "fix"
    # 3,000 password connections in one file switched to JWT, each reading its own properties
    # from each environment's YAML file and a password they share with a logger: each switch
    # walked every definition and line of the files again (18.5 s for 4,000 before stop 78).
    connections = 3_000
    yield "many-connections", {
        "src/main/mule/global.xml": MULE.replace("</mule>", "")
        + '<configuration-properties file="${mule.env}.yaml"/>\n'
        + "".join(
            f'<salesforce:sfdc-config name="sf{i}"><salesforce:basic-connection username="${{sf{i}.user}}"'
            f' password="${{shared.password}}" securityToken="${{sf{i}.token}}" url="${{sf{i}.url}}"/>'
            "</salesforce:sfdc-config>\n"
            for i in range(connections)
        )
        + '<flow name="f"><logger message="${shared.password}"/></flow>\n</mule>\n',
        **{
            f"src/main/resources/{env}.yaml": 'shared:\n  password: "Sh4red"\n'
            + "".join(
                f'sf{i}:\n  user: "u{i}@acme.com.{env}"\n  token: "Tk{i}{env}"\n'
                f'  url: "https://acme--{env}.sandbox.my.salesforce.com/services/Soap/u/60.0"\n'
                for i in range(connections)
            )
            for env in ("dev", "qa")
        },
    }, "jwt"


def shared_user_apps(root, apps=3_000):
    """3,000 apps that log in as one user in three environments (IG303's finding lists them
    all, and every other finding about each app names the user's other apps)."""
    for i in range(apps):
        app = os.path.join(root, f"app-{i:04d}")
        os.makedirs(os.path.join(app, "src/main/mule"))
        os.makedirs(os.path.join(app, "src/main/resources"))
        with open(os.path.join(app, "mule-artifact.json"), "w") as f:
            f.write('{"minMuleVersion":"4.4.0"}')
        with open(os.path.join(app, "src/main/mule/global.xml"), "w") as f:
            f.write(MULE + '<configuration-properties file="${mule.env}.yaml"/><salesforce:sfdc-config'
                    ' name="SF"><salesforce:basic-connection username="${sfdc.username}"'
                    ' password="${sfdc.password}"/></salesforce:sfdc-config></mule>\n')
        for env in ("dev", "qa", "prod"):
            with open(os.path.join(app, f"src/main/resources/{env}.yaml"), "w") as f:
                f.write(f'sfdc:\n  username: "int.shared@acme.com.{env}"\n  password: "${{SFDC_PASSWORD}}"\n')


def domain_apps(root, apps=3_000):
    """A Mule domain whose Salesforce connection 3,000 apps deployed in it use (each app's pom
    names the domain; each runs a query on the domain's config): one user in three
    environments, shared by every app through the domain."""
    domain = os.path.join(root, "shared-domain")
    os.makedirs(os.path.join(domain, "src/main/mule"))
    os.makedirs(os.path.join(domain, "src/main/resources"))
    with open(os.path.join(domain, "pom.xml"), "w") as f:
        f.write("<project><artifactId>shared-domain</artifactId><packaging>mule-domain</packaging></project>\n")
    with open(os.path.join(domain, "mule-artifact.json"), "w") as f:
        f.write('{"minMuleVersion":"4.4.0"}')
    with open(os.path.join(domain, "src/main/mule/mule-domain-config.xml"), "w") as f:
        f.write('<domain:mule-domain xmlns="http://www.mulesoft.org/schema/mule/core"'
                ' xmlns:domain="http://www.mulesoft.org/schema/mule/ee/domain"'
                ' xmlns:salesforce="http://www.mulesoft.org/schema/mule/salesforce">'
                '<configuration-properties file="${mule.env}.yaml"/><salesforce:sfdc-config name="SF">'
                '<salesforce:basic-connection username="${sfdc.username}" password="${sfdc.password}"/>'
                '</salesforce:sfdc-config></domain:mule-domain>\n')
    for env in ("dev", "qa", "prod"):
        with open(os.path.join(domain, f"src/main/resources/{env}.yaml"), "w") as f:
            f.write(f'sfdc:\n  username: "int.domain@acme.com.{env}"\n  password: "${{SFDC_PASSWORD}}"\n')
    for i in range(apps):
        app = os.path.join(root, f"app-{i:04d}")
        os.makedirs(os.path.join(app, "src/main/mule"))
        with open(os.path.join(app, "pom.xml"), "w") as f:
            f.write(f"<project><artifactId>app-{i:04d}</artifactId><packaging>mule-application</packaging>"
                    "<dependencies><dependency><artifactId>shared-domain</artifactId>"
                    "<classifier>mule-domain</classifier><scope>provided</scope></dependency>"
                    "</dependencies></project>\n")
        with open(os.path.join(app, "src/main/mule/flows.xml"), "w") as f:
            f.write(MULE + '<flow name="f"><salesforce:query config-ref="SF"><salesforce:salesforce-query>'
                    f"SELECT Id FROM Obj{i}__c</salesforce:salesforce-query></salesforce:query></flow></mule>\n")


def identity_hint_apps(root, apps=1_000):
    """1,000 apps, each logging in as its own user, and an intguard.toml naming 1,000
    `[[identities]]`, each a typo of one of those users (a letter dropped): every one is
    warned with the user meant (each was compared with every user found, 6.6 s)."""
    hints = []
    for i in range(apps):
        app = os.path.join(root, f"app-{i:04d}")
        os.makedirs(os.path.join(app, "src/main/mule"))
        with open(os.path.join(app, "mule-artifact.json"), "w") as f:
            f.write('{"minMuleVersion":"4.4.0"}')
        with open(os.path.join(app, "src/main/mule/global.xml"), "w") as f:
            f.write(MULE + '<salesforce:sfdc-config name="SF"><salesforce:jwt-connection'
                    f' principal="int.orders-{i:04d}@acme.com" consumerKey="k" keyStore="ks.jks"/>'
                    "</salesforce:sfdc-config></mule>\n")
        hints.append(f'[[identities]]\nusername = "int.order-{i:04d}@acme.com"\nsystem = "S{i}"\n')
    with open(os.path.join(root, "intguard.toml"), "w") as f:
        f.write("".join(hints))


def users_and_sets(root, users=2_000, sets=2_000, per_user=20):
    """An SFDX project of 2,000 user definitions, each assigned 20 of 2,000 permission sets
    (of 20 object permissions each): every assignment is looked up by name (each looked
    through every set, and IG206 asked every user of each set of each user: 22 s)."""
    base = os.path.join(root, "sf")
    default = os.path.join(base, "force-app/main/default")
    os.makedirs(os.path.join(base, "config"))
    os.makedirs(os.path.join(default, "permissionsets"))
    os.makedirs(os.path.join(default, "profiles"))
    with open(os.path.join(base, "sfdx-project.json"), "w") as f:
        f.write('{"packageDirectories":[{"path":"force-app","default":true}],"sourceApiVersion":"60.0"}')
    for s in range(sets):
        objects = "".join(
            "<objectPermissions><allowCreate>true</allowCreate><allowDelete>true</allowDelete>"
            "<allowEdit>true</allowEdit><allowRead>true</allowRead><modifyAllRecords>false"
            f"</modifyAllRecords><object>Obj{(s * 3 + j) % 500}__c</object><viewAllRecords>false"
            "</viewAllRecords></objectPermissions>"
            for j in range(20)
        )
        with open(os.path.join(default, f"permissionsets/PS{s}.permissionset-meta.xml"), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet'
                    f' xmlns="http://soap.sforce.com/2006/04/metadata"><label>PS{s}</label>{objects}'
                    "<userPermissions><enabled>true</enabled><name>ApiEnabled</name></userPermissions>"
                    "</PermissionSet>\n")
    with open(os.path.join(default, "profiles/Int.profile-meta.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<Profile xmlns="http://soap.sforce.com/2006/04/metadata">'
                "<userLicense>Salesforce Integration</userLicense></Profile>\n")
    for u in range(users):
        assigned = ", ".join(f'"PS{(u * 13 + k) % sets}"' for k in range(per_user))
        with open(os.path.join(base, f"config/u{u}-user-def.json"), "w") as f:
            f.write(f'{{"Username":"int.u{u}@acme.com","LastName":"U{u}","profileName":"Int","permsets":[{assigned}]}}\n')


def apps_and_users(root, apps=300):
    """users-times-sets with half as many users and sets, and 300 connected apps (JWT bearer,
    admin-approved) each pre-authorizing the users' profile and 20 of the sets: every user is
    pre-authorized by every app (each app's findings name all 1,000; each user was asked
    about each app's 21 pre-authorizations, and each app's users looked for among all: 12 s)."""
    users_and_sets(root, users=1_000, sets=1_000)
    folder = os.path.join(root, "sf/force-app/main/default/connectedApps")
    os.makedirs(folder)
    for a in range(apps):
        sets = "".join(f"<permissionSetName>PS{(a * 7 + k) % 1_000}</permissionSetName>" for k in range(20))
        with open(os.path.join(folder, f"App{a}.connectedApp-meta.xml"), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">'
                    f"<contactEmail>a@acme.com</contactEmail><label>App{a}</label><oauthConfig>"
                    "<callbackUrl>https://localhost/cb</callbackUrl><certificate>MIIB</certificate>"
                    f"<consumerKey>3MVG9{a:030d}</consumerKey><isAdminApproved>true</isAdminApproved>"
                    "<scopes>Api</scopes><scopes>Full</scopes></oauthConfig><oauthPolicy><ipRelaxation>BYPASS"
                    "</ipRelaxation><refreshTokenPolicy>infinite</refreshTokenPolicy></oauthPolicy>"
                    f"<profileName>Int</profileName>{sets}</ConnectedApp>\n")


def committed_binaries(root, files=12, size=30 << 20):
    """An app that commits its dependencies and build output: a dozen 30 MiB jars and
    archives (random bytes, just under the 32 MiB size limit), of which only the start says
    they are binary."""
    app = os.path.join(root, "app")
    os.makedirs(os.path.join(app, "lib"))
    os.makedirs(os.path.join(app, "src/main/mule"))
    with open(os.path.join(app, "mule-artifact.json"), "w") as f:
        f.write('{"minMuleVersion":"4.4.0"}')
    with open(os.path.join(app, "src/main/mule/global.xml"), "w") as f:
        f.write(MULE + "</mule>\n")
    for i in range(files):
        with open(os.path.join(app, "lib", f"dependency-{i}.{'jar' if i % 3 else 'zip'}"), "wb") as f:
            f.write(b"PK\x03\x04\x00" + os.urandom(size - 5))


def write_tree(root, files):
    if callable(files):
        files(root)
        return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
    app = os.path.join(root, "app")
    os.makedirs(app)
    with open(os.path.join(app, "mule-artifact.json"), "w") as f:
        f.write('{"minMuleVersion":"4.4.0"}')
    for rel, text in files.items():
        path = os.path.join(app, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)


# The key `fix secrets` encrypts with (a test key, for a tree that is deleted).
KEY_VARIABLE = "IG_ADVERSARIAL_KEY"


def timed(cmd, out_dir):
    """(wall seconds, peak RSS MB or None, exit code) of one run."""
    rss_file = os.path.join(out_dir, "rss")
    start = time.monotonic()
    with open(os.devnull, "w") as null:
        env = dict(os.environ, **{KEY_VARIABLE: "0123456789abcdef"})
        code = subprocess.call(["/usr/bin/time", "-o", rss_file, "-f", "%M"] + cmd, stdout=null, stderr=null, env=env)
    wall = time.monotonic() - start
    try:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1]) / 1024
    except (OSError, ValueError, IndexError):
        rss = None
    return wall, rss, code


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="the intguard binary (a release build)")
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    ap.add_argument("--budget", type=float, default=5.0, help="seconds a case may take (default 5)")
    a = ap.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("adversarial.py needs GNU time at /usr/bin/time (apt-get install time)")
    over = []
    work = tempfile.mkdtemp(prefix="intguard-adversarial-")
    try:
        for name, files, also in cases():
            if a.cases and name not in a.cases:
                continue
            root = os.path.join(work, name)
            size = write_tree(root, files)
            commands = [["scan", root, "--format", "json", "--output", os.path.join(work, "report.json"),
                         "--fail-on", "none"]]
            if also == "identities":
                commands.append(["identities", root, "--format", "json"])
                # Exit 1: something left for a person (an operation whose objects are not known).
                commands.append(["fix", "permissions", root, "--dry-run"])
            elif also == "fix":
                commands.append(["fix", "secrets", root, "--key-env", KEY_VARIABLE, "--dry-run"])
            elif also == "jwt":
                commands.append(["fix", "jwt", root, "--dry-run"])
            for cmd in commands:
                wall, rss, code = timed([a.binary] + cmd, work)
                ok = {0, 1} if cmd[:2] == ["fix", "permissions"] else {0}
                flag = "" if wall <= a.budget and code in ok else "  <-- over budget" if code in ok else f"  <-- exit {code}"
                rss_text = f"{rss:6.0f} MB" if rss is not None else "     ?"
                what = " ".join(cmd[:2]) if cmd[0] == "fix" else cmd[0]
                print(f"{name:22s} {what:16s} {size / 1e6:7.2f} MB  {wall:6.2f} s  peak {rss_text}{flag}", flush=True)
                if flag:
                    over.append(f"{name} ({what})")
            shutil.rmtree(root)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if over:
        print("over budget or failed: " + ", ".join(over))
        sys.exit(1)


if __name__ == "__main__":
    main()
