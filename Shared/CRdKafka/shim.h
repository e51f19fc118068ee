// The C API of librdkafka (2.1 or newer). Only the Messaging module imports this.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
