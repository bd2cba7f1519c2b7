# Writes OUTPUT, a C++ file defining tidemark::api::kOpenApiDocument as the
# text of INPUT (checked to be one JSON document by the tests).
file(READ ${INPUT} TEXT)
file(WRITE ${OUTPUT}
  "// Generated from src/api/openapi.json; do not edit.\n"
  "#include \"api/serve_state.h\"\n"
  "namespace tidemark::api {\n"
  "const char* const kOpenApiDocument = R\"OPENAPI(${TEXT})OPENAPI\";\n"
  "}  // namespace tidemark::api\n")
