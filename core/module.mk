# core/module.mk: the WAV writer's conversion loop and the bulk Philox generator are hot in
# every stage's I/O; -O3 lets GCC vectorise them (integer and exactly rounded float work only,
# so results do not depend on the instruction set).
$(BUILD)/core/rng.o $(BUILD)/core/audio.o: CFLAGS += $(if $(SAN),,-O3)
# fftwise.c's fused power pass takes its square roots in vector registers the same way (the
# same correctly rounded values; only errno, which nothing reads, is given up).
$(BUILD)/core/fftwise.o: CFLAGS += $(if $(SAN),,-O3) -fno-math-errno
