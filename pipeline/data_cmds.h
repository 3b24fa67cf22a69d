// data_cmds.h: the subcommands behind `gendang data`; each returns an exit status.
#ifndef PL_DATA_CMDS_H
#define PL_DATA_CMDS_H

// Default manifest path: $GENDANG_MANIFEST, else data_manifest.yaml in the repo root
// (found next to the binary's bin/ folder), else ./data_manifest.yaml.
const char *pl_data_default_manifest(void);

int pl_data_verify(int argc, char **argv);
int pl_data_import(int argc, char **argv);
int pl_data_info(int argc, char **argv);
int pl_data_export(int argc, char **argv);
int pl_data_assemble(int argc, char **argv);
int pl_data_audit(int argc, char **argv);
int pl_data_probes(int argc, char **argv);

#endif
