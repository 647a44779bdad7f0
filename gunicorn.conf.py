"""gunicorn's settings, read from the directory it starts in (the project's).

Access logs leave out client addresses, user agents and referrers: verification pages are
public, and who checked a certificate is nobody's business. Client addresses are kept only by
the rate limiter, in the cache, for its window (certificates.ratelimit).
"""

access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
