"""Privacy and security: PII scrubbing, pseudonymised prompts, local-only backends and an audit
log of what leaves the machine, differential privacy for cohort statistics with a budget, and
forgetting a person. Import the submodules directly; this package imports nothing heavy.
"""
