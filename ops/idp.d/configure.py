#!/usr/bin/env python3
"""Writes the configuration of ops/idp's LemonLDAP::NG OpenID provider (Python's standard
library and the openssl command only): conf/lmConf-1.json, the signing key, the demo users
(users.sqlite, one per role, login = password) and lemonldap-ng.ini, all in --dir.

The provider speaks of users as a hospital's would: groups (`groups` claim) and the HSA ids
of their units (`hsa_units` claim), released with the `strokepath` scope in the ID token and
the access token; the service maps them to roles and organisations (`ops/idp env`).
"""
import argparse, json, os, sqlite3, subprocess, time

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--service", required=True, help="the service's address as browsers reach it")
args = parser.parse_args()

D = os.path.abspath(args.dir)
ISSUER = f"http://127.0.0.1:{args.port}"
SERVICE = args.service.rstrip("/")

# login (= password), name, groups ("; " between several), HSA units: one user per role, and one
# with two roles (the service refuses a sign-in it cannot give one role).
USERS = [
    ("clinician", "Clara Lind", "stroke-team", "SE-DEMO-NORTH"),
    ("coordinator", "Rita Berg", "rehab-coordinators", "SE-DEMO-REHAB"),
    ("therapist", "Tove Ek", "rehab-therapists", "SE-DEMO-REHAB"),
    # The demo region and the demo's synthetic reporting region (SYN2026-R01), whose cells are large enough to show.
    ("planner", "Per Holm", "regional-planners", "SE-DEMO-REGION; SE-DEMO-SYN"),
    ("auditor", "Alva Nord", "auditors", "SE-DEMO-REGION"),
    ("admin", "Adam Sjö", "administrators", "SE-DEMO-NORTH"),
    ("twohats", "Tor Dubbel", "stroke-team; regional-planners", "SE-DEMO-NORTH"),
]

for sub in ("conf", "keys", "log", "var/sessions/lock", "var/psessions/lock", "var/cache"):
    os.makedirs(f"{D}/{sub}", exist_ok=True)
if not os.path.exists(f"{D}/keys/signing.key"):
    # PKCS#1 ("BEGIN RSA PRIVATE KEY"), what the provider's RSA module reads.
    subprocess.run(["openssl", "genrsa", "-traditional", "-out", f"{D}/keys/signing.key", "2048"], check=True, capture_output=True)
    subprocess.run(["openssl", "rsa", "-in", f"{D}/keys/signing.key", "-pubout", "-out", f"{D}/keys/signing.pub"], check=True, capture_output=True)

with sqlite3.connect(f"{D}/users.sqlite") as db:
    db.execute("DROP TABLE IF EXISTS users")
    db.execute("CREATE TABLE users (user TEXT PRIMARY KEY, password TEXT NOT NULL, name TEXT, mail TEXT, groups TEXT, units TEXT)")
    db.executemany("INSERT INTO users VALUES (?,?,?,?,?,?)", [(u, u, n, f"{u}@demo.example", g, h) for u, n, g, h in USERS])


def storage(name):
    return {"Directory": f"{D}/var/{name}", "LockDirectory": f"{D}/var/{name}/lock",
            "generateModule": "Lemonldap::NG::Common::Apache::Session::Generate::SHA256"}


web = "oidcRPMetaDataOptions"
conf = {
    "cfgNum": 1, "cfgVersion": "2.16.1", "cfgAuthor": "ops/idp", "cfgDate": str(int(time.time())), "cfgLog": "StrokePath demo provider",
    "portal": f"{ISSUER}/", "domain": "127.0.0.1", "cookieName": "lemonldap", "securedCookie": 0, "https": 0,
    "trustedDomains": "127.0.0.1", "notification": 0, "loginHistoryEnabled": 0, "portalDisplayRegister": 0,
    "portalCheckLogins": 0, "portalDisplayResetPassword": 0, "portalDisplayChangePassword": 0, "requireToken": 1,
    "timeout": 28800,
    # Without a rule per host the provider's handler fails to start.
    "locationRules": {"127.0.0.1": {"default": "accept"}}, "exportedHeaders": {},
    "authentication": "DBI", "userDB": "Same", "passwordDB": "Null", "registerDB": "Null",
    "dbiAuthChain": f"dbi:SQLite:dbname={D}/users.sqlite", "dbiAuthUser": "", "dbiAuthPassword": "",
    "dbiAuthTable": "users", "dbiUserTable": "users", "dbiAuthLoginCol": "user", "dbiAuthPasswordCol": "password",
    "dbiAuthPasswordHash": "",
    "dbiExportedVars": {"uid": "user", "cn": "name", "mail": "mail", "spGroups": "groups", "spUnits": "units"},
    "macros": {"_whatToTrace": "$uid"}, "groups": {}, "whatToTrace": "_whatToTrace",
    "globalStorage": "Apache::Session::File", "globalStorageOptions": storage("sessions"),
    "persistentStorage": "Apache::Session::File", "persistentStorageOptions": storage("psessions"),
    "localSessionStorage": "Cache::FileCache",
    "localSessionStorageOptions": {"cache_root": f"{D}/var/cache", "cache_depth": 3, "default_expires_in": 600,
                                   "directory_umask": "007", "namespace": "lemonldap-ng-sessions"},
    "issuerDBOpenIDConnectActivation": 1, "issuerDBOpenIDConnectPath": "^/oauth2/",
    "customPlugins": "StrokePath::BackChannelLogout",
    "oidcServiceMetaDataIssuer": ISSUER,
    "oidcServicePrivateKeySig": open(f"{D}/keys/signing.key").read(),
    "oidcServicePublicKeySig": open(f"{D}/keys/signing.pub").read(),
    "oidcServiceKeyIdSig": "signing-1",
    "oidcServiceAllowAuthorizationCodeFlow": 1, "oidcServiceAllowImplicitFlow": 0, "oidcServiceAllowHybridFlow": 0,
    "oidcServiceAllowDynamicRegistration": 0,
    "oidcServiceIDTokenExpiration": 3600, "oidcServiceAccessTokenExpiration": 3600,
    "oidcRPMetaDataOptions": {
        "strokepath": {
            f"{web}DisplayName": "StrokePath", f"{web}ClientID": "strokepath", f"{web}ClientSecret": "strokepath-demo-secret",
            f"{web}Public": 0,
            f"{web}RedirectUris": f"{SERVICE}/sign-in/callback",
            f"{web}PostLogoutRedirectUris": f"{SERVICE}/sign-in",
            f"{web}RequirePKCE": 1, f"{web}IDTokenSignAlg": "RS256",
            f"{web}AccessTokenJWT": 1, f"{web}AccessTokenSignAlg": "RS256", f"{web}AccessTokenClaims": 1,
            f"{web}IDTokenForceClaims": 1, f"{web}BypassConsent": 1, f"{web}LogoutBypassConfirm": 1,
            f"{web}LogoutType": "back", f"{web}LogoutUrl": f"{SERVICE}/sign-in/back-channel-logout",
            f"{web}LogoutSessionRequired": 1, f"{web}RefreshToken": 0,
            # `ops/idp token USER`: a demo user's access token for the API, from the command line.
            f"{web}AllowPasswordGrant": 1,
            f"{web}IDTokenExpiration": 3600, f"{web}AccessTokenExpiration": 3600, f"{web}UserIDAttr": "uid",
        },
        # A hospital system calling the API as itself (client credentials, RFC 9068: its tokens' subject
        # is its client id), for the service: `ops/idp system-token`.
        "registry": {
            f"{web}DisplayName": "Regional registry", f"{web}ClientID": "registry", f"{web}ClientSecret": "registry-demo-secret",
            f"{web}Public": 0, f"{web}AllowClientCredentialsGrant": 1, f"{web}BypassConsent": 1,
            f"{web}AccessTokenJWT": 1, f"{web}AccessTokenSignAlg": "RS256", f"{web}AdditionalAudiences": "strokepath",
            f"{web}AccessTokenExpiration": 3600, f"{web}RefreshToken": 0,
        },
        # The North hospital's record system sending its records (FHIR transactions) as itself:
        # `ops/idp system-token his`.
        "his": {
            f"{web}DisplayName": "North hospital record system", f"{web}ClientID": "his", f"{web}ClientSecret": "his-demo-secret",
            f"{web}Public": 0, f"{web}AllowClientCredentialsGrant": 1, f"{web}BypassConsent": 1,
            f"{web}AccessTokenJWT": 1, f"{web}AccessTokenSignAlg": "RS256", f"{web}AdditionalAudiences": "strokepath",
            f"{web}AccessTokenExpiration": 3600, f"{web}RefreshToken": 0,
        },
    },
    # claim -> "session attribute;type;array"
    "oidcRPMetaDataExportedVars": {
        "strokepath": {"name": "cn", "email": "mail", "preferred_username": "uid",
                       "groups": "spGroups;string;always", "hsa_units": "spUnits;string;always"},
    },
    # scope -> the claims it releases
    "oidcRPMetaDataOptionsExtraClaims": {"strokepath": {"strokepath": "groups hsa_units"}},
}
with open(f"{D}/conf/lmConf-1.json", "w") as out:
    json.dump(conf, out, indent=2, sort_keys=True)

with open(f"{D}/lemonldap-ng.ini", "w") as out:
    out.write(f"""[all]
logLevel = notice
checkTime = 1
[configuration]
type = File
dirName = {D}/conf
prettyPrint = 1
[portal]
staticPrefix = /static
templateDir = /usr/share/lemonldap-ng/portal/templates
languages = en, fr
[handler]
status = 0
useRedirectOnError = 1
""")
