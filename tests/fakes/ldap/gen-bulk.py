"""gen-bulk.py N: LDIF of N plain users under ou=bulk (for paging tests).

Printed to stdout; appended by tests/integration/ldap.sh to
directory.ldif.in's expansion before slapadd."""
import sys

n = int(sys.argv[1])
print("dn: ou=bulk,dc=example,dc=test\nobjectClass: organizationalUnit\n"
      "ou: bulk\n")
for i in range(1, n + 1):
    print("dn: uid=bulk%04d,ou=bulk,dc=example,dc=test\n"
          "objectClass: inetOrgPerson\nuid: bulk%04d\ncn: Bulk %d\n"
          "sn: %d\nmail: bulk%04d@example.test\n" % (i, i, i, i, i))
