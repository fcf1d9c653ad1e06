"""How the portal checks its resources: hooks around resource and dataset writes, where the bytes
come from (files), what is recorded (records, store), background jobs, and the personal-data
allow-list the data protection officer keeps (allow_list). The checking itself is
westsuffolk_core.validation, shared with the publish jobs."""
