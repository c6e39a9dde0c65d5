import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { Categorizer } from '../../src/workbench/forms/Categorizer.tsx';
import { FieldsForm } from '../../src/workbench/forms/FieldsForm.tsx';
import { TranscriptionForm } from '../../src/workbench/forms/TranscriptionForm.tsx';
import { Comparison } from '../../src/workbench/forms/Comparison.tsx';
import { makeTask, sourceCatcher } from './helpers.tsx';

describe('categorization', () => {
  it('saves the chosen category as a string', () => {
    const catcher = sourceCatcher();
    render(<Categorizer task={makeTask('categorization', { categories: ['cat', 'dog'] })} onReady={catcher.onReady} onChange={() => {}} />);
    expect(catcher.problems()).toEqual(['Choose a category.']);
    fireEvent.click(screen.getByLabelText(/dog/));
    expect(catcher.response()).toEqual({ category: 'dog' });
    expect(catcher.problems()).toEqual([]);
  });

  it('saves a list when allow_multiple, and number keys toggle categories', () => {
    const catcher = sourceCatcher();
    const task = makeTask('categorization', { categories: ['cat', 'dog', 'bird'], allow_multiple: true });
    render(<Categorizer task={task} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.keyDown(window, { key: '1' });
    fireEvent.keyDown(window, { key: '3' });
    expect(catcher.response()).toEqual({ category: ['cat', 'bird'] });
  });

  it('starts from a saved draft', () => {
    const catcher = sourceCatcher();
    const task = makeTask('categorization', { categories: ['cat', 'dog'] });
    render(<Categorizer task={task} initialResponse={{ category: 'cat' }} onReady={catcher.onReady} onChange={() => {}} />);
    expect((screen.getByLabelText(/cat/) as HTMLInputElement).checked).toBe(true);
  });
});

describe('text and data collection', () => {
  it('saves textcollection answers under fields by field_id and checks required ones', () => {
    const catcher = sourceCatcher();
    const task = makeTask('textcollection', {
      fields: [
        { field_id: 'summary', type: 'text', title: 'Summary', min_characters: 3 },
        { field_id: 'rating', type: 'number', title: 'Rating', min: 1, max: 5 },
        { field_id: 'tone', type: 'category', title: 'Tone', choices: [{ label: 'Happy', value: 'happy' }, { label: 'Sad', value: 'sad' }] },
      ],
    });
    render(<FieldsForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(catcher.problems()).toEqual(['Answer “Summary”.', 'Answer “Rating”.', 'Answer “Tone”.']);
    fireEvent.change(screen.getByLabelText('Summary *'), { target: { value: 'ok' } });
    fireEvent.change(screen.getByLabelText('Rating *'), { target: { value: '9' } });
    fireEvent.click(screen.getByLabelText('Sad'));
    expect(catcher.problems()).toEqual(['“Summary” needs at least 3 characters.', '“Rating” must be at most 5.']);
    expect(catcher.response()).toEqual({ fields: { summary: 'ok', rating: 9, tone: 'sad' } });
  });

  it('reads datacollection fields given as {key: description}', () => {
    const catcher = sourceCatcher();
    const task = makeTask('datacollection', { fields: { phone: 'Phone number of the business' } });
    render(<FieldsForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.change(screen.getByLabelText('phone *'), { target: { value: '555-0100' } });
    expect(catcher.response()).toEqual({ fields: { phone: '555-0100' } });
  });
});

describe('transcription and comparison', () => {
  it('saves transcription fields and repeatable rows', () => {
    const catcher = sourceCatcher();
    const task = makeTask('transcription', { fields: { total: 'Total' }, repeatable_fields: { item: 'Item name' } });
    render(<TranscriptionForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    fireEvent.change(screen.getByLabelText('total *'), { target: { value: '12.50' } });
    fireEvent.click(screen.getByText('Add row'));
    fireEvent.change(screen.getByLabelText('item *'), { target: { value: 'Coffee' } });
    expect(catcher.response()).toEqual({ fields: { total: '12.50' }, repeatable_fields: [{ item: 'Coffee' }] });
  });

  it('saves documenttranscription entries as annotations', () => {
    const catcher = sourceCatcher();
    const task = makeTask('documenttranscription', { fields: { invoice_number: 'Invoice number' } });
    render(<TranscriptionForm task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(catcher.problems()).toEqual(['Transcribe at least one entry.']);
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'INV-42' } });
    expect(catcher.response()).toMatchObject({ annotations: [{ label: 'invoice_number', text: 'INV-42' }] });
  });

  it('saves the comparison choice', () => {
    const catcher = sourceCatcher();
    const task = makeTask('comparison', { attachment_type: 'text', attachments: ['First text', 'Second text'], choices: ['first', 'second'] });
    render(<Comparison task={task} onReady={catcher.onReady} onChange={() => {}} />);
    expect(screen.getByText('Second text')).toBeTruthy();
    fireEvent.click(screen.getByLabelText('second'));
    expect(catcher.response()).toEqual({ choice: 'second' });
  });
});
