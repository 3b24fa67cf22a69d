# train/module.mk: a double-precision build of train/nn/ (symbols rv_*_f64) for the
# finite-difference gradient tests; see train/nn/rv_real.h.
TRAIN_F64_OBJS := $(patsubst train/nn/%.c,$(BUILD)/train_f64/%.o,$(wildcard train/nn/*.c))

$(BUILD)/train_f64/%.o: train/nn/%.c $$(call flags_check,$$(CC_O) -DRV_F64)
	@mkdir -p $(dir $@)
	$(CC_O) -DRV_F64 -MMD -MP -c $< -o $@
	@$(call flags_save,$(CC_O) -DRV_F64)

# Every global symbol of the double build must carry _f64 (the rename list in rv_real.h); one
# without it would clash with, or silently stand in for, the float op of the same name.
$(BUILD)/libtrain_f64.a: $(TRAIN_F64_OBJS) $$(call flags_check,$(AR) $(TRAIN_F64_OBJS))
	@mkdir -p $(dir $@)
	@bad=$$(nm -g --defined-only $(TRAIN_F64_OBJS) | awk 'NF == 3 && $$3 !~ /_f64$$/ {print $$3}'); \
	if [ -n "$$bad" ]; then \
	    echo "train/nn/rv_real.h: no _f64 name for: $$(echo $$bad)" >&2; exit 1; fi
	rm -f $@; $(AR) rcs $@ $(TRAIN_F64_OBJS)
	@$(call flags_save,$(AR) $(TRAIN_F64_OBJS))

$(BUILD)/tests/train/test_nn_grad: $(BUILD)/libtrain_f64.a

# The f64 archive follows libgendang.a on the test link line; name libgendang again after it.
EXTRA_LDLIBS_train := $(BUILD)/libgendang.a

# mss.c's per-bin loops and act.c's LeakyReLU loops vectorise only without errno from sqrt
# and with their selects if-converted (no FP exception traps); neither changes a result.
$(foreach f,mss act,$(BUILD)/train/nn/$(f).o $(BUILD)/train_f64/$(f).o): CFLAGS += -fno-math-errno -fno-trapping-math
