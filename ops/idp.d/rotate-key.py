#!/usr/bin/env python3
"""Rotates ops/idp's signing key: a new RSA key under key id KID in the next configuration
(lmConf-N+1.json, written whole, then renamed into place). The provider's workers take it at
their next request once `checkTime` (1 s) has passed since they last looked."""
import glob, json, os, re, subprocess, sys, tempfile, time

directory, kid = sys.argv[1], sys.argv[2]
numbers = [int(re.search(r"lmConf-(\d+)\.json$", path).group(1)) for path in glob.glob(f"{directory}/conf/lmConf-*.json")]
current = max(numbers)
conf = json.load(open(f"{directory}/conf/lmConf-{current}.json"))
private = subprocess.run(["openssl", "genrsa", "-traditional", "2048"], check=True, capture_output=True, text=True).stdout
public = subprocess.run(["openssl", "rsa", "-pubout"], input=private, check=True, capture_output=True, text=True).stdout
conf.update(cfgNum=current + 1, cfgAuthor="ops/idp rotate-key", cfgDate=str(int(time.time())), cfgLog=f"signing key {kid}",
            oidcServicePrivateKeySig=private, oidcServicePublicKeySig=public, oidcServiceKeyIdSig=kid)
handle, temporary = tempfile.mkstemp(dir=f"{directory}/conf", suffix=".tmp")
with os.fdopen(handle, "w") as out:
    json.dump(conf, out, indent=2, sort_keys=True)
os.rename(temporary, f"{directory}/conf/lmConf-{current + 1}.json")
