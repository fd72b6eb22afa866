"""`proxmox-mpc serve`: the web front end — REST API, events, the console in a browser (a front end: no rules)."""
