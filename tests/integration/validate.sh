#!/bin/sh
# validate.sh: "vigil validate" reports every mistake of the policy, its
# rules and its pins in one pass, each at FILE:LINE:COL, with did-you-mean
# for names; unset *_env variables are warnings (exit 0).
. "$TEST_SRCDIR/tests/integration/lib.sh"
cd "$T" || exit 1

unset VIGIL_TEST_NO_SUCH_VAR
cat >bad.json <<'JSON'
{
  // the production policy
  "organization": "x", /* a block
  comment */
  "sources": [
    {"name": "prod", "type": "aws", "access_key_id_env": "VIGIL_TEST_NO_SUCH_VAR"},
    {"name": "registrar", "type": "rdap", "domains": ["a.com"]}
  ],
  "rules": {"enable": ["aws.*", "registrar.*", "discrod.*", "aws.iam.root_mfa_disabld"],
            "severity": {"dns.caa_mising": "low"}},
  "parameters": {"domain_expiry_days": "30", "max_access_key_age_days": 90,
     "max_unused_days": 90, "inactive_user_days": 90, "min_password_length": 14,
     "allowed_admins": "alice"},
  "waivers": [{"rule": "aws.*", "resource": "*", "reason": "r",
     "approved_by": "me", "expires": "2026-02-30"}],
  "critical_values": [
    {"name": "a", "source": {"type": "aws_ssm", "source": "prdo",
      "parameter": "/x"}, "expect": "1"},
    {"name": "b", "source": {"type": "dns", "nam": "x", "rrtype": "A"}},
    {"name": "c", "source": {"type": "rdap", "domain": "a.com",
      "field": "status", "source": "registrr"}, "expect": "x"}
  ]
}
JSON
vg bad -p bad.json validate
expect_rc 2 "a policy with mistakes fails validate (exit 2)"
expect_contains "$T/bad.err" "bad.json:2:3: JSON has no comments; remove this // comment" "a // comment is named, where it is"
expect_contains "$T/bad.err" "bad.json:3:24: JSON has no comments; remove this /* */ comment" "a /* */ comment too"
expect_contains "$T/bad.err" "bad.json:9:48: rules.enable: 'discrod.*' matches no rule; did you mean 'discord.*'?" "a glob that matches nothing, with did-you-mean"
expect_contains "$T/bad.err" "rules.enable: 'aws.iam.root_mfa_disabld' names no rule; did you mean 'aws.iam.root_mfa_disabled'?" "an unknown rule id, with did-you-mean"
expect_contains "$T/bad.err" "bad.json:10:26: rules.severity: 'dns.caa_mising' names no rule; did you mean 'dns.caa_missing'?" "an unknown id in rules.severity"
expect_contains "$T/bad.err" "bad.json:11:40: parameter 'domain_expiry_days' must be a number, not a string" "a string where a rule needs a number, at the value"
expect_contains "$T/bad.err" "parameter 'allowed_admins' must be an array, not a string" "a string where a rule needs an array"
expect_contains "$T/bad.err" "invalid expiry '2026-02-30': 2026-02 has only 28 days" "an impossible date"
expect_contains "$T/bad.err" "critical_values[0] ('a'): no aws source named 'prdo' in the policy; did you mean 'prod'?" "an unknown aws source in a pin, with did-you-mean"
expect_contains "$T/bad.err" "critical_values[1] ('b'): unknown key 'nam' in a dns source; did you mean 'name'?" "an unknown pin key, with did-you-mean"
expect_contains "$T/bad.err" "critical_values[1] ('b'): a critical value needs 'expect' or 'expect_sha256'" "every problem of one pin"
expect_contains "$T/bad.err" "critical_values[2] ('c'): no rdap source named 'registrr' in the policy; did you mean 'registrar'?" "and of the next pin"
expect_contains "$T/bad.err" "warning: source 'prod': 'access_key_id_env' names the environment variable VIGIL_TEST_NO_SUCH_VAR, which is not set" "an unset variable is a warning"
expect_contains "$T/bad.err" "vigil: 13 errors" "every error in one pass"

cat >warn.json <<'JSON'
{"sources": [{"name": "registrar", "type": "rdap", "domains": ["a.com"]},
  {"name": "corp", "type": "ldap", "uri": "ldaps://ldap.example.com",
   "base_dn": "dc=example,dc=com", "bind_dn": "cn=vigil",
   "password_env": "VIGIL_TEST_NO_SUCH_VAR"}],
 "parameters": {"domain_expiry_days": 30, "ldap_admin_groups": ["admins"],
   "max_password_age_days": 90}}
JSON
vg warn -p warn.json validate
expect_rc 0 "an unset *_env variable does not fail validate"
expect_contains "$T/warn.err" "warn.json:4:20: warning: source 'corp': 'password_env' names the environment variable VIGIL_TEST_NO_SUCH_VAR, which is not set" "the warning names the source, key and variable"
expect_contains "$T/warn.out" "ok" "and validate says ok"
VIGIL_TEST_NO_SUCH_VAR=secret-value-xyz vg warn2 -p warn.json validate
expect_rc 0 "with the variable set"
expect_lacks "$T/warn2.err" "warning" "no warning once it is set"
expect_lacks "$T/warn2.err" "secret-value-xyz" "and never the value"

finish
