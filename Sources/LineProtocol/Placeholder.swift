// placeholder: the line protocol codec, server and client land here
