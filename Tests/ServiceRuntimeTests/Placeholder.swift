// placeholder until the runtime tests land
