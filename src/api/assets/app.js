/* placeholder: the web UI lands in a later commit */
