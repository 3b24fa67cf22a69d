# core/module.mk: the WAV writer's conversion loop and the bulk Philox generator are hot in
# every stage's I/O; -O3 lets GCC vectorise them (integer and exactly rounded float work only,
# so results do not depend on the instruction set).
$(BUILD)/core/rng.o $(BUILD)/core/audio.o: CFLAGS += $(if $(SAN),,-O3)
