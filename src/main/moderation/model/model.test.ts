import { describe, expect, it } from 'vitest';
import fitted from './detector-model.json' with { type: 'json' };
import { detectorModel, parseDetectorModel } from './model';

describe('the detection model file', () => {
  it('the committed model is one this build reads: its inputs, every weight on its input’s side of zero', () => {
    expect(detectorModel().inputs.length).toBeGreaterThan(0);
  });

  it('refuses a model with a weight that would read the other way round, naming the class and the input', () => {
    const crossed = structuredClone(fitted);
    crossed.classes.spammer.weights.greetings = -0.5;
    expect(() => parseDetectorModel(crossed, 'm.json')).toThrow(
      'm.json: classes.spammer.weights.greetings is -0.5, but that input only raises the odds; fit the model again',
    );
    const reversed = structuredClone(fitted);
    reversed.classes.micro_seller.weights.reply_rate = 0.5;
    expect(() => parseDetectorModel(reversed, 'm.json')).toThrow(
      /micro_seller\.weights\.reply_rate is 0\.5, but that input only lowers/,
    );
  });
});
