// data_cmds.h: the subcommands behind `gendang data`; each returns an exit status.
#ifndef GD_DATA_CMDS_H
#define GD_DATA_CMDS_H

// Default manifest path: $GENDANG_MANIFEST, else data_manifest.yaml in the repo root
// (found next to the binary's bin/ folder), else ./data_manifest.yaml.
const char *data_default_manifest(void);

int data_verify(int argc, char **argv);
int data_import(int argc, char **argv);
int data_info(int argc, char **argv);
int data_export(int argc, char **argv);
int data_assemble(int argc, char **argv);
int data_audit(int argc, char **argv);
int data_probes(int argc, char **argv);

#endif
