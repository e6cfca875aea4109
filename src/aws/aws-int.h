/*
 * aws/aws-int.h: what the parts of the aws source share (private to
 * src/aws/).  The client (aws/client.c) builds and signs requests and
 * reads replies; aws/iam.c, aws/route53.c and aws/ssm.c make and read
 * their service's requests; aws/collect.c runs the collection of one
 * account (aws/org.c: of every account of an organisation).
 */
#ifndef AWS_INT_H
#define AWS_INT_H

#include <stddef.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "http.h"
#include "policy.h"
#include "aws/sigv4.h"

struct source_ctx;

#define IAM_VERSION	"2010-05-08"
#define STS_VERSION	"2011-06-15"
#define R53_PATH	"/2013-04-01"
#define DOMAINS_TARGET	"Route53Domains_v20140515"
#define SSM_TARGET	"AmazonSSM"
/* Bound on waiting for the credential report (seconds). */
#define REPORT_WAIT_S	60

enum aws_svc {
	SVC_IAM, SVC_STS, SVC_R53, SVC_R53D, SVC_SSM, SVC_ORG, AWS_NSVC
};

struct aws {
	struct source_ctx		*ctx;	/* NULL outside a collection */
	const struct policy_source	*ps;
	struct http_client		*http;
	int				 replay;
	char				*akid;
	char				*secret;
	char				*token;
	char				*region;
	char				*ep[AWS_NSVC];
	struct sigv4_signer		 sg[AWS_NSVC];
	int				 member; /* organisation */
	/* Collected state. */
	char				*account_id;
	char				*caller_arn;
	json_t				*users;		/* name -> object */
	json_t				*groups;	/* name -> object */
	json_t				*roles;		/* array */
	json_t				*policies;	/* arn -> object */
	json_t				*report;	/* user -> row */
	json_t				*summary;	/* key -> integer */
	json_t				*pwpolicy;	/* object or NULL */
};

/* One hosted zone being listed (aws/route53.c). */
struct zone {
	char	*id;
	char	*next_name, *next_type, *next_ident;
	int	 more;
};

/* aws/client.c: setup (aws_init reads no credentials in replay). */
void	 aws_release(struct aws *a);
void	 aws_set_signers(struct aws *a);
int	 aws_init(struct aws *a, const struct policy_source *ps,
	    struct http_client *http, char **error);

/* aws/client.c: XML by local element names. */
int	 is_element(const xmlNode *n, const char *name);
xmlNode	*xpath(const xmlNode *n, const char *path);
int	 xbool(const xmlNode *n, const char *path);
json_t	*xml_json(const xmlNode *n);
json_t	*member_texts(const xmlNode *list, const char *path);

/* aws/client.c: signed requests (not yet performed) and their replies. */
struct http_req *query_req(struct aws *a, enum aws_svc svc,
	    const char *params);
struct http_req *json_req(struct aws *a, enum aws_svc svc,
	    const char *target, const char *op, json_t *body);
struct http_req *get_req(struct aws *a, enum aws_svc svc, const char *path);
char	*req_failure(const struct http_req *q, const char *what,
	    char **codep);
xmlNode	*xml_result(const struct http_req *q, const char *what,
	    const char *result, xmlDoc **docp, char **why);
int	 json_reply(const struct http_req *q, const char *what, json_t **out,
	    char **why);
int	 marker_advances(const char *prev, char **next, const char *what,
	    char **why);

/* aws/client.c: rows and values. */
int	 put_row(struct aws *a, const char *table, json_t *row);
json_t	*jstr_own(char *s);

/* aws/client.c: STS. */
void	 assume_role_seen(struct http_req *q, void *arg);
int	 sts_assume_role(struct aws *a, const char *role_arn, char **why);
int	 sts_identity(struct aws *a, char **why);

/* aws/iam.c: the IAM requests and replies of aws_collect_all(). */
struct http_req *gaad_req(struct aws *a, const char *marker);
int	 gaad_page(struct aws *a, struct http_req *q, char **marker,
	    char **why);
int	 summary_parse(struct aws *a, struct http_req *q, char **why);
int	 pwpolicy_parse(struct aws *a, struct http_req *q, char **why);
char	*report_state(struct http_req *q, char **why);
int	 credential_report(struct aws *a, struct http_req *get, char **why);
struct http_req *vmfa_req(struct aws *a, const char *marker);
int	 vmfa_page(struct aws *a, struct http_req *q, char **marker,
	    char **why);
int	 access_keys(struct aws *a, char **why);
int	 write_iam(struct aws *a);
int	 write_account(struct aws *a);

/* aws/route53.c: hosted zones, records, domains. */
int	 zones_page(struct aws *a, struct http_req *q, struct zone **zones,
	    size_t *nz, char **marker, char **why);
int	 route53_records(struct aws *a, struct zone *zones, size_t nz,
	    char **why);
struct http_req *domains_req(struct aws *a, const char *marker);
int	 domains_page(struct http_req *q, json_t *list, char **marker,
	    char **why);
int	 domain_details(struct aws *a, json_t *list, char **why);

#endif
