#!/usr/bin/env python3
"""Write examples/acme-integrations/EXPECTED.md and expected.json from the list below.

Each planted problem is located by an anchor, never by a hand-typed line number, so the
line numbers in EXPECTED.md are always the ones in the files:

  "xml:TEXT"   the one line of the file that contains TEXT (must be unique)
  "yaml:a.b.c" the line of the leaf key a.b.c in a (nested) YAML file
  "prop:a.b"   the line `a.b=...` of a .properties file
  "file"       line 1 (the finding is about the whole file)
  "text:TEXT"  the one line that contains TEXT (any text file)
  "block:TEXT" the start tag of the element around the one line that contains TEXT
               (`block:<name>AuthorApex</name>` -> its `<userPermissions>` line)

It also checks what it can without intguard: IG104 values really decrypt with the committed
key, IG106 lines hold a token, the suppression comment sits right above its element.

usage: python3 examples/tools/make_expected.py [--check]   (--check: fail if the files differ)
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "acme-integrations"))
sys.path.insert(0, HERE)

O = "orders-sapi"
C = "customers-papi"
L = "legacy-sync"
OG = O + "/src/main/mule/global.xml"
OP = O + "/src/main/resources/properties/"
CG = C + "/src/main/mule/global.xml"
CP = C + "/src/main/resources/properties/"
LG = L + "/src/main/app/global.xml"
LR = L + "/src/main/resources/"
SF = "salesforce/"
MD = SF + "force-app/main/default/"
ADMIN = MD + "profiles/Admin.profile-meta.xml"
ORDERS_APP = MD + "connectedApps/Orders_SAPI.connectedApp-meta.xml"
SECURITY = MD + "settings/Security.settings-meta.xml"
U_INV = "int.invoices@acme.com"

U_ORD = "int.orders@acme.com"
ORD_ALL = "int.orders@acme.com (prod), int.orders@acme.com.qa (qa), int.orders@acme.com.dev (dev)"
CUS_ALL = "int.orders@acme.com (prod), int.customers@acme.com.qa (qa), int.customers@acme.com.dev (dev)"
LEG_ALL = "svc.legacysync@acme.com (prod), svc.legacysync@acme.com.dev (dev)"
ORD_U = {"dev": "int.orders@acme.com.dev", "qa": "int.orders@acme.com.qa", "prod": U_ORD}
CUS_U = {"dev": "int.customers@acme.com.dev", "qa": "int.customers@acme.com.qa", "prod": U_ORD}

# (rule, severity, path, anchor, identity, env, description, status)
P = []


def add(rule, sev, path, anchor, ident, env, desc, status="active"):
    P.append(dict(rule=rule, severity=sev, path=path, anchor=anchor, identity=ident, env=env,
                  description=desc, status=status))


# ---------------------------------------------------------------- orders-sapi
add("IG101", "high", OG, "xml:<salesforce:basic-connection", ORD_ALL, "all",
    "basic-connection: SOAP login with username + password + securityToken (url resolves to /services/Soap/u/58.0)")
add("IG102", "critical", OP + "prod.yaml", "yaml:sfdc.password", U_ORD, "prod",
    "sfdc.password in clear in prod.yaml (hotfix ORD-412); same value as customers-papi prod sfdc.password")
add("IG103", "critical", OG, 'xml:name="encryption.key" value=', None, "all",
    "secure-properties key committed as <global-property name=\"encryption.key\" value=...>")
for env, props in (("dev", ["sfdc.password", "sfdc.token", "token.client.secret", "erp.api.key"]),
                   ("qa", ["sfdc.password", "sfdc.token", "token.client.secret", "erp.api.key"]),
                   ("prod", ["sfdc.token", "token.client.secret", "erp.api.key"])):
    for prop in props:
        add("IG104", "critical", OP + env + "-secure.yaml", "yaml:" + prop,
            ORD_U[env] if prop.startswith("sfdc.") else None, env,
            "%s ![...] decrypts (AES/CBC, fixed IV) with the committed encryption.key" % prop)
add("IG107", "medium", OG, "xml:<secure-properties:config", None, "all",
    "encryption.key (key=\"${encryption.key}\") is not in mule-artifact.json secureProperties")
add("IG107", "medium", OG, "xml:<salesforce:basic-connection", ORD_ALL, "all",
    "sfdc.password (password=\"${sfdc.password}\", a plain property) is not in mule-artifact.json secureProperties")
add("IG108", "medium", OG, 'xml:<secure-properties:encrypt algorithm="AES"', None, "all",
    "AES/CBC with a fixed IV (useRandomIVs not set, default false)")
add("IG109", "medium", OG, 'xml:<http:listener-connection host="0.0.0.0" port="${http.port}" />', None, "all",
    "HTTP listener without TLS (no protocol=\"HTTPS\"): the API takes orders over plain HTTP")
add("IG109", "high", OG, 'xml:<http:request-connection protocol="HTTP"', None, "all",
    "token endpoint called over plain HTTP with basic authentication (client id + secret)")
add("IG110", "high", OG, "xml:enabledProtocols=\"TLSv1.1,TLSv1.2\"", None, "all",
    "tls:context ERP_TLS_Context enables TLSv1.1")
add("IG110", "high", OG, 'xml:<tls:trust-store insecure="true" />', None, "all",
    "trust store with insecure=\"true\": certificate validation off for the ERP gateway")
add("IG206", "medium", OG, "xml:<salesforce:basic-connection", ORD_ALL, "all",
    "Salesforce connection without client certificate (no tls:key-store) and not on port 8443")

# ------------------------------------------------------------- customers-papi
add("IG101", "high", CG, "xml:<salesforce:oauth-user-pass-connection", CUS_ALL, "all",
    "oauth-user-pass-connection: OAuth username-password flow (consumerKey/consumerSecret + password)")
add("IG103", "critical", C + "/pom.xml", "xml:<encryption.key>", None, "all",
    "secure-properties key committed in the pom (mule-maven-plugin cloudHubDeployment <properties>)")
for env in ("dev", "qa", "prod"):
    for prop in ("sfdc.consumerKey", "sfdc.consumerSecret", "sfdc.password",
                 "tls.keystore.password", "tls.key.password"):
        add("IG104", "critical", CP + env + "-secure.yaml", "yaml:" + prop,
            CUS_U[env] if prop.startswith("sfdc.") else None, env,
            "%s ![...] decrypts (Blowfish/CBC, fixed IV) with the key committed in pom.xml" % prop)
add("IG105", "critical", C + "/src/main/resources/keys/server.key", "file", None, "all",
    "unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, RSA 2048) committed; fake throwaway key")
add("IG106", "critical", C + "/README.md", "text:Authorization: Bearer 00D", None, "prod",
    "Salesforce access token (18-char org id 00D5e000000KxYzEAK + '!' + token) in a curl example")
add("IG106", "critical", C + "/scripts/smoke-test.sh", "text:SF_TOKEN=\"00D", None, "qa",
    "Salesforce session id (15-char org id 00D7Q000004KqZb + '!' + token) in a shell script")
add("IG108", "medium", CG, 'xml:<secure-properties:encrypt algorithm="Blowfish"', None, "all",
    "Blowfish (weak algorithm) with a fixed IV")
add("IG109", "medium", CG, 'xml:<http:listener-connection host="0.0.0.0" port="${http.port}" />', None, "all",
    "health-check HTTP listener without TLS; suppressed by the inline comment above its listener-config",
    status="suppressed")
add("IG206", "medium", CG, "xml:<salesforce:oauth-user-pass-connection", CUS_ALL, "all",
    "Salesforce connection without client certificate and not on port 8443")
add("IG303", "high", CG, "xml:<salesforce:oauth-user-pass-connection", U_ORD, "prod",
    "int.orders@acme.com, the orders-sapi integration user, is also customers-papi's prod user (ACME-1289); "
    "related: the orders-sapi basic-connection and both apps' prod.yaml sfdc.username lines")

# ---------------------------------------------------------------- legacy-sync
add("IG101", "high", LG, "xml:<sfdc:config ", LEG_ALL, "all",
    "Mule 3 sfdc:config with username/password/securityToken, SOAP login URL /services/Soap/u/45.0")
add("IG102", "critical", LR + "mule.prod.properties", "prop:sfdc.password", "svc.legacysync@acme.com", "prod",
    "sfdc.password in clear in mule.prod.properties")
add("IG102", "critical", LR + "mule.prod.properties", "prop:sfdc.token", "svc.legacysync@acme.com", "prod",
    "sfdc.token (security token) in clear in mule.prod.properties")
add("IG103", "critical", LG, "xml:<secure-property-placeholder:config", None, "all",
    "Mule 3 secure-property-placeholder with a literal key=\"...\"")
for prop in ("sfdc.password", "sfdc.token"):
    add("IG104", "critical", LR + "mule.dev.properties", "prop:" + prop, "svc.legacysync@acme.com.dev", "dev",
        "%s ![...] decrypts (AES/CBC, fixed IV) with the literal placeholder key" % prop)
add("IG108", "medium", LG, "xml:<secure-property-placeholder:config", None, "all",
    "Mule 3 secure-property-placeholder AES/CBC: fixed IV (Mule 3 has no random-IV option)")
add("IG206", "medium", LG, "xml:<sfdc:config ", LEG_ALL, "all",
    "Salesforce connection without client certificate and not on port 8443")
add("IG102", "critical", L + "/docker/Dockerfile", "text:LEGACY_SHARE_PASSWORD=", None, "all",
    "the CRM share's password set in clear by the runtime image's ENV (kept in the image's layers)")

# --------------------------------------------------- salesforce (SFDX project)
# The Salesforce side of the same integrations, joined to the Mule apps through the user
# definition files (config/*-user-def.json): int.orders@acme.com is orders-sapi's and
# customers-papi's prod user, int.invoices@acme.com invoices-eapi's.
add("IG111", "medium", SECURITY, "xml:<expiration>OneYear", None, "all",
    "org password policy: passwords expire only once a year")
add("IG201", "high", ORDERS_APP, "xml:<ipRelaxation>BYPASS", None, "all",
    "connected app Orders_SAPI (used by int.orders@acme.com) relaxes IP restrictions (ipRelaxation BYPASS)")
add("IG202", "high", ADMIN, "xml:<Profile xmlns", U_ORD, "all",
    "System Administrator, the profile of int.orders@acme.com, has no login IP ranges")
add("IG205", "high", ADMIN, "xml:<userLicense>", U_ORD, "all",
    "int.orders@acme.com is not API only (neither its profile nor Orders_Integration grants ApiUserOnly) "
    "and not on the Salesforce Integration license")
add("IG206", "medium", SF + "config/int-orders-user-def.json", 'text:"profileName"', U_ORD, "all",
    "int.orders@acme.com does not require mutual TLS (no Enforce SSL/TLS Mutual Authentication permission)")
add("IG206", "medium", SF + "config/int-invoices-user-def.json", 'text:"profileName"', U_INV, "all",
    "int.invoices@acme.com does not require mutual TLS on the Salesforce side, although invoices-eapi "
    "presents a client certificate")
add("IG207", "medium", MD + "settings/OauthOidc.settings-meta.xml", "xml:<blockOAuthUnPwFlow>false", None, "all",
    "the OAuth username-password flow is not blocked (customers-papi uses it)")
add("IG208", "medium", ORDERS_APP, "xml:<scopes>Full", None, "all",
    "Full scope on an integration app")
add("IG208", "medium", ORDERS_APP, "xml:<scopes>RefreshToken", None, "all",
    "RefreshToken scope on an integration app that only needs API access")
add("IG208", "medium", ORDERS_APP, "xml:<refreshTokenPolicy>infinite", None, "all",
    "refresh tokens that never expire")
add("IG209", "medium", ORDERS_APP, "xml:<oauthConfig>", None, "all",
    "Orders_SAPI has no certificate: usable only with the consumer secret and a password")
add("IG210", "low", SECURITY, "xml:<enforceIpRangesEveryRequest>false", None, "all",
    "login IP ranges checked at login only, not on every request")
add("IG210", "low", SECURITY, "xml:<lockSessionsToIp>false", None, "all",
    "sessions not locked to the IP address they started from")
add("IG301", "critical", SF + "config/int-orders-user-def.json", 'text:"profileName"', U_ORD, "all",
    "int.orders@acme.com, used by orders-sapi and customers-papi, is a System Administrator (ACME-1290)")
add("IG301", "critical", ORDERS_APP, "xml:<profileName>System Administrator", U_ORD, "all",
    "Orders_SAPI, the app int.orders@acme.com logs in through, pre-authorizes System Administrator")
add("IG302", "critical", ADMIN, "block:<name>AuthorApex</name>", U_ORD, "all",
    "super powers via the System Administrator profile: AuthorApex, CustomizeApplication, ManageUsers, "
    "ModifyAllData, ViewAllData")
add("IG302", "high", ADMIN, "block:<name>DataExport</name>", U_ORD, "all",
    "DataExport (data exfiltration) via the System Administrator profile")
add("IG302", "high", MD + "permissionsets/Invoices_Reporting.permissionset-meta.xml",
    "block:<name>ExportReport</name>", U_INV, "all",
    "ExportReport via Invoices_Reporting in group Invoices_Integration (its DataExport is muted by the group)")
add("IG304", "medium", ADMIN, "block:<object>Account</object>", U_ORD, "all",
    "Account: View All and Modify All records via the System Administrator profile")
add("IG304", "medium", ADMIN, "block:<object>Account</object>", U_ORD, "all",
    "Account: Delete (and other access) that neither orders-sapi nor customers-papi uses")
add("IG304", "medium", MD + "permissionsets/Orders_Integration.permissionset-meta.xml",
    "block:<object>Order</object>", U_ORD, "all",
    "Order: access beyond what the apps running as int.orders@acme.com use")
add("IG304", "medium", MD + "permissionsets/Invoices_Reporting.permissionset-meta.xml",
    "block:<object>Invoice__c</object>", U_INV, "all",
    "Invoice__c: View All records via Invoices_Reporting")
add("IG304", "medium", MD + "permissionsets/Invoices_API/objectSettings/Case.objectSettings-meta.xml",
    "block:<object>Case</object>", U_INV, "all",
    "Case: Edit and Delete via Invoices_API (decomposed); invoices-eapi only creates Cases")

# Keys committed in the example, to check IG104 (alg, key) by app.
KEYS = {O: ("AES", "AcmeOrd3rsK3y!16"), C: ("Blowfish", "AcmeCust0mers!"), L: ("AES", "L3gacySyncK3y#01")}


def locate(path, anchor):
    full = os.path.join(ROOT, path)
    text = open(full, encoding="utf-8").read()
    lines = text.split("\n")
    kind, _, arg = anchor.partition(":")
    if kind == "file":
        return 1, lines[0]
    if kind in ("xml", "text"):
        hits = [i for i, l in enumerate(lines) if arg in l]
        if len(hits) != 1:
            raise SystemExit("%s: anchor %r matches %d lines" % (path, arg, len(hits)))
        return hits[0] + 1, lines[hits[0]]
    if kind == "block":
        hits = [i for i, l in enumerate(lines) if arg in l]
        if len(hits) != 1:
            raise SystemExit("%s: anchor %r matches %d lines" % (path, arg, len(hits)))
        indent = len(lines[hits[0]]) - len(lines[hits[0]].lstrip())
        for i in range(hits[0] - 1, -1, -1):
            l = lines[i]
            if re.match(r"^\s*<[\w:]+>\s*$", l) and len(l) - len(l.lstrip()) < indent:
                return i + 1, l
        raise SystemExit("%s: no element around %r" % (path, arg))
    if kind == "prop":
        hits = [i for i, l in enumerate(lines) if re.match(r"^%s\s*[=:]" % re.escape(arg), l)]
        if len(hits) != 1:
            raise SystemExit("%s: property %r found %d times" % (path, arg, len(hits)))
        return hits[0] + 1, lines[hits[0]]
    if kind == "yaml":
        stack, hits = [], []
        for i, l in enumerate(lines):
            m = re.match(r"^(\s*)([\w.\-]+):", l)
            if not m or l.lstrip().startswith("#"):
                continue
            ind = len(m.group(1))
            while stack and stack[-1][0] >= ind:
                stack.pop()
            stack.append((ind, m.group(2)))
            if ".".join(k for _, k in stack) == arg:
                hits.append(i)
        if len(hits) != 1:
            raise SystemExit("%s: yaml key %r found %d times" % (path, arg, len(hits)))
        return hits[0] + 1, lines[hits[0]]
    raise SystemExit("bad anchor " + anchor)


def verify(p, line_no, text):
    if p["rule"] == "IG104":
        import encrypt_mule
        m = re.search(r"!\[([^\]]+)\]", text)
        assert m, (p, text)
        alg, key = KEYS[p["path"].split("/")[0]]
        encrypt_mule.decrypt(alg, "CBC", key, m.group(1))  # raises if it does not decrypt
    if p["rule"] == "IG106":
        assert re.search(r"00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{60,}", text), (p, text)
    if p["status"] == "suppressed":
        lines = open(os.path.join(ROOT, p["path"]), encoding="utf-8").read().split("\n")
        # element at line_no; its parent listener-config one line up; the comment above that
        assert "<http:listener-config" in lines[line_no - 2], lines[line_no - 2]
        assert "intguard-ignore " + p["rule"] in lines[line_no - 3], lines[line_no - 3]


def build():
    rows = []
    for p in P:
        line_no, text = locate(p["path"], p["anchor"])
        verify(p, line_no, text)
        r = {k: p[k] for k in ("rule", "severity", "path", "identity", "env", "description", "status")}
        r["line"] = line_no
        rows.append(r)
    rows.sort(key=lambda r: (r["path"].split("/")[0], r["rule"], r["path"], r["line"]))
    return rows


HEADER = """# Expected findings for `examples/acme-integrations`

Generated by `python3 examples/tools/make_expected.py` from anchors in the files (do not edit by
hand: change the script and re-run it; `--check` fails when this file is stale). The same rows are
in `expected.json` next to this file.

## Conventions

- `path` is relative to `examples/acme-integrations`; `line` is 1-based.
- XML: the line of the element's start tag. Every attribute a finding is about is written on that
  same line, so "line of the attribute" and "line of the element" agree.
- YAML: the line of the leaf key (for `sfdc:` / `  password:` that is the `password:` line).
  `.properties`: the line of `key=value`.
- Whole-file findings (committed key files): line 1.
- One row per (rule, location), and one finding per row: a rule that finds several problems at
  one place (e.g. IG108 "weak algorithm" and "fixed IV" on one `secure-properties:encrypt`) reports
  them in one finding. `crates/cli/tests/cli/example_expected.rs` runs `intguard scan
  examples/acme-integrations --format json` and checks that the multiset of (rule, path, line) of
  its findings equals the active rows (and their severities), that the suppressed row is not
  reported, and that invoices-eapi has no finding.
- `identity` is the Salesforce username the finding is about, where there is one; `all` in env
  means the problem holds in every environment (the element is the same in all of them).
- Severity is the DESIGN.md default, or the escalation the rule documents (`intguard rule ID`):
  IG105 is critical for an unencrypted PEM private key.
- IG303 has one row per shared username: the rule reports it once, at the first connection that
  uses it (sorted by path), with every other connection using it and the `sfdc.username` lines
  that set it in `related`.
- IG104 has one row per decrypted value, at the line of the `![...]` value's key; the key that
  decrypts it is a related location of that finding, not a row.
- Committed keys are IG103 only (not also IG102); their `![...]` values are IG104. A plaintext
  secret is IG102 only, at the property line; IG107 is reported at the XML attribute that references
  the property (`${name}` without `secure::`) whose name is missing from `secureProperties`.
- A SOAP login URL resolved from properties (`sfdc.url` in orders-sapi `*.yaml`) is part of the
  IG101 finding on the connection, not a row of its own.
- Salesforce metadata (`salesforce/`, SFDX source format): a finding about an object or user
  permission is at the start tag of its `<objectPermissions>` / `<userPermissions>` element; one
  about a profile as a whole at the root element (`<Profile ...>`), or at `<userLicense>` for the
  license; one about a user at the `"profileName"` line of its user definition file. IG302 has
  one row per identity, grant and tier, at the first permission of the tier (alphabetically).
  A rule that finds two different problems with one element (IG304 on the Admin profile's
  Account: View/Modify All records, and access no app uses) has two rows at that line.
- MUnit suites (`src/test/munit`) hold no credentials here, so nothing is expected from them.
- Status `suppressed`: an inline `intguard-ignore` comment covers it. The comment is on the line
  right above the `http:listener-config` element; the finding is on its child
  `http:listener-connection`, two lines below the comment. The suppression applies to the element
  that follows the comment and everything inside it.

## Planted problems
"""

FOOTER = """
## Must NOT be reported (negative cases)

| path | what | why it is fine |
|---|---|---|
| `invoices-eapi/**` | the whole app | JWT bearer + `tls:key-store` in the Salesforce connection, token endpoint `https://<my-domain>:8443/...` in every env, HTTPS listener with TLSv1.2/1.3, AES/CBC `useRandomIVs="true"`, key `${encryption.key}` not in the repo, every secret `${secure::...}` and listed in `secureProperties`, dedicated user `int.invoices@acme.com` (`.qa`, `.dev`), keystores not committed |
| `invoices-eapi/src/main/resources/properties/*-secure.yaml` | `![...]` values | encrypted with random per-env keys that are not in the repository (no committed key decrypts them: checked by `encrypt_mule.py`) |
| `invoices-eapi/pom.xml` | `<encryption.key>${encryption.key}</encryption.key>` | a Maven property reference passed in by CI, not a literal key |
| `orders-sapi/.../dev.yaml`, `qa.yaml` | `sfdc.password: "${secure::sfdc.password}"` | a reference to the secure file, not a plaintext secret (the secure value itself is IG104) |
| `orders-sapi/.../prod.yaml` | `sfdc.token: "${secure::sfdc.token}"` | a reference; `sfdc.token` is also listed in `secureProperties` |
| `customers-papi/src/main/mule/global.xml` | `HTTPS_Listener_config` + `HTTPS_TLS_Context` | HTTPS with a key store, TLSv1.2/1.3 (the `.p12` is not committed; that is not a finding) |
| `customers-papi/scripts/smoke-test.sh` | `curl http://${API_HOST}:8081/health` | plain-HTTP URL, but not a Salesforce, token or audience URL nor an HTTP config |
| `*/src/main/mule/*.xml`, `*/src/main/app/*.xml`, `pom.xml` | `http://www.mulesoft.org/schema/...`, `http://maven.apache.org/...` | XML namespace and schema locations, not endpoints |
| `orders-sapi/src/test/munit/post-order-test-suite.xml` | MUnit suite | holds no credentials |
| `*/src/main/resources/**/*.dwl` | DataWeave | no credentials |

## Identities (for the linking layer)

| app | dev | qa | prod | auth |
|---|---|---|---|---|
| orders-sapi | int.orders@acme.com.dev | int.orders@acme.com.qa | int.orders@acme.com | password (SOAP basic-connection) |
| customers-papi | int.customers@acme.com.dev | int.customers@acme.com.qa | **int.orders@acme.com** (shared) | password (OAuth username-password) |
| invoices-eapi | int.invoices@acme.com.dev | int.invoices@acme.com.qa | int.invoices@acme.com | certificate (JWT bearer) + mTLS |
| legacy-sync (Mule 3) | svc.legacysync@acme.com.dev | - | svc.legacysync@acme.com | password (SOAP, sfdc:config) |

Salesforce side (`salesforce/`): `int.orders@acme.com` is defined in
`config/int-orders-user-def.json` with the System Administrator profile (ACME-1290, "temporary")
and the permission set `Orders_Integration`; the connected app `Orders_SAPI` pre-authorizes
System Administrator. `int.invoices@acme.com` (`config/int-invoices-user-def.json`) has the
profile `Acme Integration (API Only)` and the permission set group `Invoices_Integration`
(`Invoices_API`, `Invoices_Reporting`, muting `Invoices_Integration_Muting`); the External Client
App `Invoices_Portal` (certificate, admin-approved users) serves it. `intguard identities
examples/acme-integrations` shows both with their apps, permissions and object access.

Committed keys: orders-sapi (AES, 16 bytes, `global-property` in global.xml), customers-papi
(Blowfish, 14 bytes, pom.xml), legacy-sync (AES, 16 bytes, `key=` in global.xml); the values are
deliberately not repeated in this file, which holds no secret, key or token, so a scan of the
whole folder finds nothing in it. The same prod password (`sfdc.password`) is in clear in
orders-sapi `prod.yaml` and encrypted in customers-papi `prod-secure.yaml` (same user): a
fingerprint-aware reporter can say it is one secret.
"""


def render(rows):
    out = [HEADER]
    out.append("| # | rule | severity | path | line | identity | env | status | description |")
    out.append("|---|---|---|---|---|---|---|---|---|")
    for i, r in enumerate(rows, 1):
        out.append("| %d | %s | %s | `%s` | %d | %s | %s | %s | %s |" % (
            i, r["rule"], r["severity"], r["path"], r["line"], r["identity"] or "-", r["env"],
            r["status"], r["description"].replace("|", "\\|")))
    counts = {}
    for r in rows:
        if r["status"] == "active":
            counts[r["rule"]] = counts.get(r["rule"], 0) + 1
    out.append("")
    out.append("Active rows per rule: " + ", ".join("%s %d" % kv for kv in sorted(counts.items()))
               + "; total %d active, %d suppressed." % (
                   sum(counts.values()), sum(1 for r in rows if r["status"] == "suppressed")))
    return "\n".join(out) + "\n" + FOOTER


def main():
    rows = build()
    md = render(rows)
    js = json.dumps({"root": "examples/acme-integrations", "findings": rows}, indent=2) + "\n"
    targets = {os.path.join(ROOT, "EXPECTED.md"): md, os.path.join(ROOT, "expected.json"): js}
    if "--check" in sys.argv:
        stale = [p for p, c in targets.items()
                 if not os.path.exists(p) or open(p, encoding="utf-8").read() != c]
        if stale:
            print("stale:", *stale)
            return 1
        print("EXPECTED.md and expected.json are up to date (%d rows)" % len(rows))
        return 0
    for p, c in targets.items():
        open(p, "w", encoding="utf-8").write(c)
    print("wrote %d rows" % len(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
